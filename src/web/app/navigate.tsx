import { createContext, useCallback, useContext, useEffect } from "react";
import {
  createPath,
  Navigate as NavigateInBrowser,
  type NavigateProps,
  useNavigate,
  useResolvedPath,
} from "react-router";

/**
 * Paths the server answers itself, not the web app (Convene's OpenID provider, where a sign-in to the
 * vendor's product goes on after Convene's sign-in or agreement): the browser loads them.
 */
export const isServerPath = (path: string) => path.startsWith("/oidc/");

function LoadFromServer({ to }: { to: string }) {
  useEffect(() => window.location.replace(to), [to]);
  return null;
}

/** navigate(), reaching the server's own paths too. */
export function useGoTo(): (to: string, options?: { replace?: boolean }) => void {
  const navigate = useNavigate();
  return useCallback(
    (to, options) => {
      if (!isServerPath(to)) return void navigate(to, options);
      if (options?.replace) window.location.replace(to);
      else window.location.assign(to);
    },
    [navigate],
  );
}

/**
 * Told where a page sends its visitor on: the server's first render (entry-server.tsx) answers that
 * address as a redirect, since a page rendered there cannot move the browser itself.
 */
export const FirstRenderRedirect = createContext<((to: string) => void) | null>(null);

/** Sends the visitor on to `to`: in the browser as React Router does, from the server as a redirect. */
export function Navigate(props: NavigateProps) {
  const redirect = useContext(FirstRenderRedirect);
  const target = createPath(useResolvedPath(props.to));
  if (!redirect)
    return isServerPath(target) ? <LoadFromServer to={target} /> : <NavigateInBrowser {...props} />;
  redirect(target);
  return null;
}
