/**
 * The server's first render of a page (built by `vite build --ssr`, used by
 * src/server/platform/web-app.ts): the page's HTML with its data, so a phone paints the page itself,
 * not a loader, as soon as the HTML and its styles arrive, and the browser then takes it over.
 *
 * The page's requests are found by rendering it: each render builds the queries its components ask
 * for, those are answered (by the server itself, as the person who opened the page) and the page is
 * rendered again, until a render asks for nothing new: a page whose second request depends on its
 * first (a channel's messages, once the channel is known) takes one more round.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { dehydrate, type Query, QueryClient } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router";
import { isApiError, sendRequestsThrough } from "./app/api.js";
import { firstScreenScript, viewerFrom } from "./app/first-screen.js";
import { renderingFor, type Viewer } from "./app/format.js";
import { preloadPages, RenderedPages } from "./app/lazy-page.js";
import { FirstRenderRedirect } from "./app/navigate.js";
import { AppProviders } from "./app/providers.js";
import { routes } from "./app/routes.js";

/** Answers one of the page's API requests as the person whose page this is. */
export type AnswerRequest = (path: string, init: RequestInit) => Promise<Response>;

export type RenderedFirstScreen =
  | { redirect: string }
  | {
      /** The page's HTML, for inside `#root`. */
      html: string;
      /** The script element carrying the answers and pages the HTML was rendered from. */
      stateScript: string;
      /** The page chunks the HTML shows, by their sources (`features/chat/ChatPage.tsx`). */
      pages: string[];
    };

// More rounds than any page's chain of dependent requests; a page still asking after them is sent as
// far as it got, and the browser asks the rest.
const maximumRenders = 6;

const requestsOfThisPage = new AsyncLocalStorage<AnswerRequest>();
sendRequestsThrough((path, init) => {
  const answer = requestsOfThisPage.getStore();
  if (!answer) throw new Error(`${path} was requested outside a first render.`);
  return answer(path, init);
});

/**
 * Runs a synchronous render in the visitor's time zone: what reads the date's local parts (the day a
 * chat message was written) does so as their browser will. Nothing else runs while it does.
 */
function inTimeZone<T>(timeZone: string | undefined, render: () => T): T {
  if (!timeZone) return render();
  const before = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return render();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

function isWaitingToFetch(query: Query): boolean {
  const { enabled } = query.options as { enabled?: boolean | ((query: Query) => boolean) };
  const isEnabled = typeof enabled === "function" ? enabled(query) : enabled !== false;
  return isEnabled && query.state.status === "pending" && query.state.fetchStatus === "idle";
}

/**
 * The answers the browser takes over with the page: those that came, and the refusals (no such
 * ticket, not yours) that it would be answered as well; a failure of the server is asked again there.
 */
function isSettledForTheBrowser(query: Query): boolean {
  const { status, error } = query.state;
  return (
    status === "success" ||
    (status === "error" && isApiError(error) && error.status >= 400 && error.status < 500)
  );
}

/**
 * Renders `url` for the person `answerRequest` answers as, or says where the page sends them on (to
 * sign in, or from /chat to its first channel); null when the router itself answers with a redirect.
 */
export async function renderFirstScreen(
  url: string,
  answerRequest: AnswerRequest,
  visitor: { cookies: Record<string, string | undefined>; acceptLanguage?: string },
): Promise<RenderedFirstScreen | null> {
  const renderedAt = Date.now();
  const viewer: Viewer = { ...viewerFrom(visitor.cookies, visitor.acceptLanguage), now: renderedAt };
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(new URL(url, "http://convene.local")));
  if (context instanceof Response) return null;
  const router = createStaticRouter(handler.dataRoutes, context);
  // Fetched once for the page: never retried or refetched while rendering, and a refusal rendered as
  // the page shows it (not as the loader of a retry).
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, retryOnMount: false, staleTime: Infinity } },
  });
  const pages = new Map<string, () => Promise<unknown>>();
  const notePage = (source: string, preload: () => Promise<unknown>) => pages.set(source, preload);
  let redirect: string | undefined;
  const noteRedirect = (to: string) => {
    redirect ??= to;
  };

  // The address's own pages load before the first render, which then renders them rather than a loader.
  await preloadPages(context.matches.map((match) => match.route.element));

  let html = "";
  for (let render = 1; render <= maximumRenders; render++) {
    const pagesBefore = pages.size;
    html = renderingFor(viewer, () =>
      inTimeZone(viewer.timeZone, () =>
        renderToString(
          <FirstRenderRedirect value={noteRedirect}>
            <RenderedPages value={notePage}>
              <AppProviders queryClient={queryClient}>
                <StaticRouterProvider router={router} context={context} hydrate={false} />
              </AppProviders>
            </RenderedPages>
          </FirstRenderRedirect>,
        ),
      ),
    );
    if (redirect) return { redirect };
    const queries = queryClient.getQueryCache().getAll().filter(isWaitingToFetch);
    if (queries.length === 0 && pages.size === pagesBefore) break;
    await requestsOfThisPage.run(answerRequest, () =>
      Promise.allSettled([
        ...queries.map((query) => query.fetch()),
        ...[...pages.values()].map((preload) => preload()),
      ]),
    );
  }
  const pageSources = [...pages.keys()];
  return {
    html,
    stateScript: firstScreenScript({
      queries: dehydrate(queryClient, { shouldDehydrateQuery: isSettledForTheBrowser }),
      pages: pageSources,
      renderedAt,
    }),
    pages: pageSources,
  };
}
