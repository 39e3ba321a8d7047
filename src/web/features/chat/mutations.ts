import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { type Channel, chatApi, chatKeys, type Message, type MessageAttachment, type Upload } from "./api.js";
import {
  addMessage,
  applyReadState,
  discardPending,
  markDeleted,
  noteNewMessage,
  PENDING_SEQ,
  replaceMessage,
  updateMessage,
} from "./cache.js";

type Draft = {
  channelId: string;
  body: string;
  threadRootId: string | null;
  alsoToChannel: boolean;
  uploads: Upload[];
};

const asAttachment = (upload: Upload): MessageAttachment => ({ ...upload, url: "" });

/**
 * Posts with a client id chosen here: the post shows at once as pending, the server's message
 * replaces it (by that id), and a retry sends the same id again, so it can never arrive twice.
 */
export function usePosting() {
  const me = useSignedInMe();
  const queryClient = useQueryClient();

  // Only the pending copy changes: when the server's message already replaced it, that one stays.
  const markDelivery = (pending: Message, delivery: Message["delivery"]) =>
    updateMessage(queryClient, { channelId: pending.channelId, messageId: pending.id }, (message) => ({
      ...message,
      delivery,
    }));

  const post = useMutation({
    mutationFn: (pending: Message) =>
      chatApi.post(pending.channelId, {
        clientId: pending.clientId,
        body: pending.body,
        threadRootId: pending.threadRootId ?? undefined,
        alsoToChannel: pending.threadRootId ? pending.alsoToChannel : undefined,
        attachmentIds: pending.attachments.map((attachment) => attachment.id),
      }),
    onMutate: (pending) => markDelivery(pending, "sending"),
    onSuccess: (message) => {
      addMessage(queryClient, message);
      noteNewMessage(queryClient, message, me.id);
    },
    onError: (error, pending) => {
      markDelivery(pending, "failed");
      notifyFailure(error.message);
    },
  });

  const send = (draft: Draft) => {
    const clientId = crypto.randomUUID();
    const pending: Message = {
      id: `pending-${clientId}`,
      seq: PENDING_SEQ,
      channelId: draft.channelId,
      clientId,
      author: { id: me.id, name: me.name, isStaff: me.isStaff, organisation: me.organisation },
      body: draft.body,
      bodyHtml: "",
      threadRootId: draft.threadRootId,
      alsoToChannel: draft.alsoToChannel,
      replyCount: 0,
      lastReplyAt: null,
      editedAt: null,
      deleted: false,
      pinned: false,
      reactions: [],
      attachments: draft.uploads.map(asAttachment),
      mentions: [],
      mentionsChannel: false,
      supportLike: false,
      ticketId: null,
      createdAt: new Date().toISOString(),
      delivery: "sending",
    };
    addMessage(queryClient, pending);
    post.mutate(pending);
  };

  return {
    send,
    retry: (pending: Message) => post.mutate(pending),
    discard: (pending: Message) => discardPending(queryClient, pending),
  };
}

/** Runs a change to one message and shows the server's copy; failures are announced. */
function useMessageChange<Input>(request: (input: Input) => Promise<Message>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (message) => replaceMessage(queryClient, message),
    onError: (error) => notifyFailure(error.message),
  });
}

export const useEditMessage = () =>
  useMessageChange(({ message, body }: { message: Message; body: string }) => chatApi.edit(message.id, body));

export const useToggleReaction = (myId: string) =>
  useMessageChange(({ message, emoji }: { message: Message; emoji: string }) => {
    const mine = message.reactions.some(
      (reaction) => reaction.emoji === emoji && reaction.userIds.includes(myId),
    );
    return mine ? chatApi.unreact(message.id, emoji) : chatApi.react(message.id, emoji);
  });

export function usePin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message: Message) => chatApi.pin(message.id, !message.pinned),
    onSuccess: (message) => {
      replaceMessage(queryClient, message);
      return queryClient.invalidateQueries({ queryKey: chatKeys.pins(message.channelId) });
    },
    onError: (error) => notifyFailure(error.message),
  });
}

export function useDeleteMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message: Message) => chatApi.remove(message.id),
    onSuccess: (_, message) =>
      updateMessage(queryClient, { channelId: message.channelId, messageId: message.id }, markDeleted),
    onError: (error) => notifyFailure(error.message),
  });
}

export function useOpenTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (message: Message) => chatApi.openTicket(message.id),
    onSuccess: ({ ticketId }, message) =>
      updateMessage(queryClient, { channelId: message.channelId, messageId: message.id }, (current) => ({
        ...current,
        ticketId,
      })),
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ channel, seq }: { channel: Channel; seq: number }) => chatApi.markRead(channel.id, seq),
    onSuccess: (state) => applyReadState(queryClient, state),
  });
}
