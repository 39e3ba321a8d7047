import { createContext, useContext } from "react";
import { createPath, Navigate as NavigateInBrowser, type NavigateProps, useResolvedPath } from "react-router";

/**
 * Told where a page sends its visitor on: the server's first render (entry-server.tsx) answers that
 * address as a redirect, since a page rendered there cannot move the browser itself.
 */
export const FirstRenderRedirect = createContext<((to: string) => void) | null>(null);

/** Sends the visitor on to `to`: in the browser as React Router does, from the server as a redirect. */
export function Navigate(props: NavigateProps) {
  const redirect = useContext(FirstRenderRedirect);
  const target = createPath(useResolvedPath(props.to));
  if (!redirect) return <NavigateInBrowser {...props} />;
  redirect(target);
  return null;
}
