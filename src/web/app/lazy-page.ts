import { type ComponentType, isValidElement, lazy, type ReactNode } from "react";

type LazyPage = ComponentType & { preload: () => Promise<unknown> };

/**
 * A page component fetched from its own chunk the first time it is shown, so a visit downloads only
 * the pages it opens. The Shell's Suspense shows the loader meanwhile.
 */
export function lazyPage<Name extends string, Module extends Record<Name, ComponentType>>(
  load: () => Promise<Module>,
  name: Name,
): LazyPage {
  let loading: Promise<{ default: ComponentType }> | undefined;
  const loadPage = () => {
    loading ??= load().then((module) => ({ default: module[name] }));
    return loading;
  };
  return Object.assign(lazy(loadPage), { preload: loadPage });
}

/**
 * Starts fetching the lazy pages among `elements` (the routes the app opens on) at once: otherwise a
 * signed-in page's chunk would be asked for only after the session check answered.
 */
export function preloadPages(elements: ReactNode[]): void {
  for (const element of elements) {
    if (!isValidElement(element)) continue;
    const type = element.type as Partial<LazyPage>;
    if (typeof type.preload === "function") void type.preload();
  }
}
