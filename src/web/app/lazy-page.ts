import {
  type ComponentType,
  createContext,
  createElement,
  isValidElement,
  lazy,
  type ReactNode,
  useContext,
} from "react";

type PageModule = Record<string, ComponentType>;
type LazyPage = ComponentType & { preload: () => Promise<unknown> };

// Every page file, each its own chunk. The key, less its leading "../", is how the build's manifest
// names the chunk, so the server can link a page's styles and scripts in its first answer.
// The sign-in page comes with the app (routes.tsx).
const pageModules = import.meta.glob<PageModule>([
  "../features/*/*Page.tsx",
  "!../features/accounts/SignInPage.tsx",
]);
const pagePreloads = new Map<string, () => Promise<unknown>>();

/**
 * Told of every page a render reached, with the way to load it: the server's first render
 * (entry-server.tsx) waits for those pages, renders again, and names them to the browser.
 */
export const RenderedPages = createContext<
  ((source: string, preload: () => Promise<unknown>) => void) | null
>(null);

/**
 * A page component fetched from its own chunk (`features/<file>.tsx`, export `name`) the first time it
 * is shown, so a visit downloads only the pages it opens; the Shell's Suspense shows the loader
 * meanwhile. Once loaded it renders directly, so a render that starts after the chunk arrived (the
 * browser taking over the server's first screen) never shows the loader.
 */
export function lazyPage(file: string, name: string): LazyPage {
  const key = `../features/${file}.tsx`;
  const load = pageModules[key];
  if (!load) throw new Error(`There is no page file ${key}.`);
  const source = key.slice("../".length);
  let component: ComponentType | undefined;
  let loading: Promise<{ default: ComponentType }> | undefined;
  const preload = () => {
    loading ??= load().then((module) => {
      const loaded = module[name];
      if (!loaded) throw new Error(`${key} has no export ${name}.`);
      component = loaded;
      return { default: loaded };
    });
    return loading;
  };
  const LazyComponent = lazy(preload);
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page at module level, as React.lazy makes its component.
  function Page() {
    useContext(RenderedPages)?.(source, preload);
    return createElement(component ?? LazyComponent);
  }
  pagePreloads.set(source, preload);
  return Object.assign(Page, { preload });
}

/** Loads the pages the server's first screen showed, by their sources, before the browser takes over. */
export function preloadPageSources(sources: string[]): Promise<unknown> {
  return Promise.all(sources.map((source) => pagePreloads.get(source)?.()));
}

/**
 * Starts fetching the lazy pages among `elements` (the routes the app opens on) at once: otherwise a
 * signed-in page's chunk would be asked for only after the session check answered.
 */
export function preloadPages(elements: ReactNode[]): Promise<unknown> {
  return Promise.all(
    elements.map((element) => {
      const type = isValidElement(element) ? (element.type as Partial<LazyPage>) : undefined;
      return typeof type?.preload === "function" ? type.preload() : undefined;
    }),
  );
}
