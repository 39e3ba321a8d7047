import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Request } from "../../../shared/contract.js";
import * as inbox from "../../../shared/contracts/notifications.js";
import { callApi } from "../../app/api.js";
import { notifyFailure } from "../../app/notify.js";
import { useRealtimeEvent } from "../../app/realtime.js";

export type { InboxEntry, NotificationPreferences } from "../../../shared/contracts/notifications.js";
export type ReadSelection = Request<typeof inbox.markRead>["body"];
export type PreferencesChange = Request<typeof inbox.updatePreferences>["body"];
export type InboxFilter = "unread" | "all";

export const inboxKeys = {
  all: ["notifications"] as const,
  unreadCount: ["notifications", "unread-count"] as const,
  lists: ["notifications", "inbox"] as const,
  list: (filter: InboxFilter) => ["notifications", "inbox", filter] as const,
  preferences: ["notifications", "preferences"] as const,
};

/** The bell's number; the live event below keeps it current. */
export const useUnreadCount = () =>
  useQuery({
    queryKey: inboxKeys.unreadCount,
    queryFn: () => callApi(inbox.unreadCount, {}),
    select: (data) => data.unreadCount,
  });

/** The inbox a page at a time: each page starts before the previous one's oldest item. */
export const useInbox = (filter: InboxFilter) =>
  useInfiniteQuery({
    queryKey: inboxKeys.list(filter),
    queryFn: ({ pageParam }) =>
      callApi(inbox.listInbox, {
        query: { unread: filter === "unread" ? "true" : undefined, before: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextBefore ?? undefined,
  });

/**
 * A notification arrived or was read, on this device or another: the bell and the inbox are fetched
 * again, so reading on a phone clears the bell on the desktop.
 */
export function useInboxLiveUpdates(): void {
  const queryClient = useQueryClient();
  useRealtimeEvent(inbox.inboxChanged, () => {
    void queryClient.invalidateQueries({ queryKey: inboxKeys.unreadCount });
    void queryClient.invalidateQueries({ queryKey: inboxKeys.lists });
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReadSelection) => callApi(inbox.markRead, { body }),
    onSuccess: ({ unreadCount }) => {
      queryClient.setQueryData(inboxKeys.unreadCount, { unreadCount });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.lists });
    },
    onError: (error) => notifyFailure(error.message),
  });
}

export const usePreferences = () =>
  useQuery({ queryKey: inboxKeys.preferences, queryFn: () => callApi(inbox.getPreferences, {}) });

export const savePreferences = (body: PreferencesChange) => callApi(inbox.updatePreferences, { body });
