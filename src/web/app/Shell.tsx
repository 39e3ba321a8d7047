import {
  AppShell,
  Box,
  Burger,
  Button,
  Group,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, Suspense, useEffect } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { signOut as signOutOp } from "../../server/modules/accounts/contracts/auth.js";
import { ChatMentionBadge } from "../features/chat/ChatMentionBadge.js";
import { useChatLiveUpdates } from "../features/chat/live.js";
import { useInboxLiveUpdates } from "../features/notifications/api.js";
import { NotificationBell } from "../features/notifications/NotificationBell.js";
import { dropPushSubscriptionHere, signOutBody } from "../features/notifications/push.js";
import { SearchLauncher } from "../features/search/SearchLauncher.js";
import { callApi, isApiError } from "./api.js";
import { areasFor } from "./navigation.js";
import { notifyFailure } from "./notify.js";
import { PageTakenOver } from "./PageTakenOver.js";
import { useRealtimeConnection } from "./realtime.js";
import { useScrollToHash } from "./scroll-to-hash.js";
import { type Me, meQueryKey, useMe } from "./session.js";
import { ConnectionStatus } from "./ui/ConnectionStatus.js";
import { PageLoader } from "./ui/PageLoader.js";
import { StaffBadge } from "./ui/StaffBadge.js";

const isCurrent = (pathname: string, to: string) => pathname === to || pathname.startsWith(`${to}/`);

function NavItem({
  to,
  label,
  active,
  badge,
}: {
  to: string;
  label: string;
  active: boolean;
  badge?: ReactNode;
}) {
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      active={active}
      aria-current={active ? "page" : undefined}
      rightSection={badge}
    />
  );
}

/** Counts shown beside an area's name, by its path. */
const navigationBadges: Record<string, ReactNode> = { "/chat": <ChatMentionBadge /> };

function MainNavigation({ me }: { me: Me }) {
  const { pathname } = useLocation();
  return (
    <Stack gap="md" component="nav" aria-label="Main">
      {areasFor(me).map((section, index) => (
        <Stack gap={2} key={section.title ?? "main"}>
          {section.title && (
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm">
              {section.title}
            </Text>
          )}
          {index === 0 && <NavItem to="/" label="For you" active={pathname === "/"} />}
          {section.areas.map((area) => (
            <NavItem
              key={area.to}
              to={area.to}
              label={area.label}
              active={isCurrent(pathname, area.to)}
              badge={navigationBadges[area.to]}
            />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

/**
 * Signs out, and stops this browser's pushes with the session: the server forgets the subscription the
 * sign-out names, and the browser drops it (Shell, once nobody is signed in), so the next person to use
 * the browser never gets this one's notifications.
 */
function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const forgetSession = () => {
    navigate("/");
    queryClient.clear();
    queryClient.setQueryData(meQueryKey, null);
  };
  return useMutation({
    mutationFn: async () => callApi(signOutOp, { body: await signOutBody() }),
    onSuccess: forgetSession,
    // A session that already ended elsewhere is as signed out as it gets.
    onError: (error) =>
      isApiError(error, "unauthenticated") ? forgetSession() : notifyFailure(error.message),
  });
}

function AccountActions({ me }: { me: Me }) {
  const signOut = useSignOut();
  return (
    <Group gap="sm" wrap="nowrap">
      <UnstyledButton component={Link} to="/profile" visibleFrom="xs">
        <Group gap={6} wrap="nowrap">
          <VisuallyHidden>Signed in as</VisuallyHidden>
          <Text size="sm" fw={500}>
            {me.name}
          </Text>
          {me.isStaff && <StaffBadge />}
        </Group>
      </UnstyledButton>
      <Button variant="default" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
        Sign out
      </Button>
    </Group>
  );
}

/** For a visitor who is signed out: the way in from every page, the page they are on left out. */
function SignedOutActions({ pathname }: { pathname: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      {pathname !== "/request-access" && (
        <Button component={Link} to="/request-access" variant="subtle" size="sm" visibleFrom="xs">
          Request access
        </Button>
      )}
      {pathname !== "/sign-in" && (
        <Button component={Link} to="/sign-in" size="sm">
          Sign in
        </Button>
      )}
    </Group>
  );
}

/** The frame around every page: header, navigation for signed-in people, and the page itself. */
export function Shell() {
  const { data: me } = useMe();
  const [navigationOpen, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  useRealtimeConnection(Boolean(me));
  useChatLiveUpdates(me);
  useInboxLiveUpdates();
  useScrollToHash();
  // Nobody is signed in here (signed out, or the session ended elsewhere): this browser takes no one's pushes.
  useEffect(() => {
    if (me === null) void dropPushSubscriptionHere();
  }, [me]);

  // On small screens the navigation covers the page; following a link should reveal the page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation on purpose.
  useEffect(close, [pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={me ? { width: 240, breakpoint: "sm", collapsed: { mobile: !navigationOpen } } : undefined}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="sm" wrap="nowrap" flex="none">
            {me && (
              <Burger
                opened={navigationOpen}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={navigationOpen ? "Close navigation" : "Open navigation"}
              />
            )}
            <Text component={Link} to="/" fw={800} size="xl" c="indigo.7" td="none">
              Convene
            </Text>
          </Group>
          {me && (
            <Box component="search" aria-label="Convene" flex="1 1 420px" maw={420} miw={0}>
              <SearchLauncher />
            </Box>
          )}
          {me && (
            <Group gap="sm" wrap="nowrap" flex="none">
              <ConnectionStatus />
              <NotificationBell />
              <AccountActions me={me} />
            </Group>
          )}
          {me === null && <SignedOutActions pathname={pathname} />}
        </Group>
      </AppShell.Header>
      {me && (
        <AppShell.Navbar p="sm">
          <MainNavigation me={me} />
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        {/* Pages are fetched on first visit (router.tsx): the header and navigation stay while one loads. */}
        <Suspense fallback={<PageLoader />}>
          <Outlet />
          <PageTakenOver />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
