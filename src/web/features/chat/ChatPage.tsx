import { Button, CloseButton, Drawer, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDisclosure, useDocumentTitle } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { useSignedInMe } from "../../app/gates.js";
import { Navigate } from "../../app/navigate.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type Channel, chatApi, chatKeys, useChannels } from "./api.js";
import { ChannelList } from "./ChannelList.js";
import { abilitiesFor, ChannelView } from "./ChannelView.js";
import classes from "./chat.module.css";
import { channelLabel } from "./labels.js";
import { SEARCH_SYNTAX, SearchResults } from "./SearchResults.js";
import { ThreadPane } from "./ThreadPane.js";
import { Welcome } from "./Welcome.js";

function SearchBox({ onSearch }: { onSearch: (q: string) => void }) {
  const [text, setText] = useState("");
  return (
    <search style={{ flex: "0 1 420px", marginLeft: "auto" }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim()) onSearch(text.trim());
        }}
      >
        <TextInput
          aria-label="Search messages"
          // The filter syntax does not fit in the box, least of all on a phone; the results list it.
          placeholder="Search messages"
          title={`Filters: ${SEARCH_SYNTAX}`}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          size="sm"
          type="search"
          rightSection={
            text ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setText("")} /> : null
          }
        />
      </form>
    </search>
  );
}

/** Where `/chat` opens: #announcements, or else the first channel one is in. */
function defaultChannel(channels: Channel[]): Channel | undefined {
  const joined = channels.filter((channel) => channel.isMember);
  return joined.find((channel) => channel.isAnnouncements) ?? joined[0];
}

/**
 * `/chat?with=<userId>` (a person found by the search): opens the direct message with that person,
 * made on first use, and puts its channel's address in place of this one, so Back skips it.
 */
function useDirectMessageWith(userId: string | null) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const opening = useMutation({
    mutationFn: (id: string) => chatApi.openDm([id]),
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: chatKeys.channels });
      navigate(`/chat/${channel.id}`, { replace: true });
    },
  });
  const asked = useRef<string | null>(null);
  const { mutate } = opening;
  useEffect(() => {
    if (!userId || asked.current === userId) return;
    asked.current = userId;
    mutate(userId);
  }, [userId, mutate]);
  return opening;
}

type Side = { kind: "search"; q: string } | { kind: "thread"; rootId: string } | null;

/** `/chat/:channelId?thread=&message=`: channel list, the channel, and a thread or search results. */
export function ChatPage() {
  const me = useSignedInMe();
  const { channelId } = useParams();
  const { pathname } = useLocation();
  const [params, setParams] = useSearchParams();
  const channels = useChannels();
  const [search, setSearch] = useState<string | null>(null);
  const [channelsOpen, { open: openChannels, close: closeChannels }] = useDisclosure(false);
  const channel = channels.data?.find((candidate) => candidate.id === channelId);
  const threadId = params.get("thread");
  const highlightId = params.get("message");
  // A link to a reply opens its thread; the channel then shows the thread's first message.
  const channelHighlight = highlightId && (threadId ?? highlightId);
  const withId = channelId ? null : params.get("with");
  const directMessage = useDirectMessageWith(withId === me.id ? null : withId);
  useDocumentTitle(channel ? `${channelLabel(channel)} · Chat · Convene` : "Chat · Convene");

  // biome-ignore lint/correctness/useExhaustiveDependencies: following a channel link reveals the channel.
  useEffect(closeChannels, [pathname]);

  const setThread = (rootId: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (rootId) next.set("thread", rootId);
        else next.delete("thread");
        next.delete("message");
        return next;
      },
      { replace: !rootId },
    );

  // Finding oneself leads to one's own page: there is no conversation with oneself.
  if (withId === me.id) return <Navigate to="/profile" replace />;
  if (withId) {
    if (directMessage.isError)
      return <ErrorAlert title="The conversation could not be opened" error={directMessage.error} />;
    return <PageLoader />;
  }
  if (channels.isPending) return <PageLoader />;
  if (channels.isError) return <ErrorAlert error={channels.error} />;
  if (!channelId) {
    const first = defaultChannel(channels.data);
    if (first) return <Navigate to={`/chat/${first.id}`} replace />;
  }

  const side: Side = search
    ? { kind: "search", q: search }
    : threadId
      ? { kind: "thread", rootId: threadId }
      : null;
  const list = <ChannelList channels={channels.data} currentId={channelId} />;

  return (
    <div className={classes.layout}>
      <div className={classes.topbar}>
        <Button variant="default" size="compact-sm" onClick={openChannels} hiddenFrom="md" flex="none">
          Channels
        </Button>
        <Title order={1} size="h4">
          Chat
        </Title>
        <SearchBox onSearch={setSearch} />
      </div>
      <Welcome />
      <div className={classes.columns}>
        <nav className={classes.sidebar} aria-label="Channels">
          {list}
        </nav>
        <Drawer opened={channelsOpen} onClose={closeChannels} title="Channels" size="xs" hiddenFrom="md">
          {list}
        </Drawer>
        <section className={classes.main} aria-label="Channel">
          {channel ? (
            <ChannelView
              key={channel.id}
              channel={channel}
              highlightId={channelHighlight}
              onOpenThread={(rootId) => {
                setSearch(null);
                setThread(rootId);
              }}
              onCloseThread={() => setThread(null)}
            />
          ) : (
            <Stack p="xl" gap="xs">
              <Title order={2} size="h4">
                {channelId ? "Channel not available" : "No channels yet"}
              </Title>
              <Text c="dimmed">
                {channelId
                  ? "There is no such channel, or it is private and you are not in it."
                  : "Browse the public channels or start a conversation."}
              </Text>
            </Stack>
          )}
        </section>
        {side?.kind === "search" && (
          <div className={classes.side}>
            <SearchResults q={side.q} onClose={() => setSearch(null)} />
          </div>
        )}
        {side?.kind === "thread" && channel && (
          <div className={classes.side}>
            <ThreadPane
              key={side.rootId}
              channel={channel}
              rootId={side.rootId}
              abilities={abilitiesFor(channel, me)}
              highlightId={highlightId}
              onClose={() => setThread(null)}
            />
          </div>
        )}
      </div>
    </div>
  );
}
