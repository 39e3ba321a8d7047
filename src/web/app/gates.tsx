import { Outlet, useLocation } from "react-router";
import { Navigate } from "./navigate.js";
import { type Me, useMe } from "./session.js";
import { ErrorAlert } from "./ui/ErrorAlert.js";
import { Page } from "./ui/Page.js";
import { PageLoader } from "./ui/PageLoader.js";

/** Where sign-in sends someone back to; only paths inside this site, never another origin. */
export function safeReturnPath(next: string | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return "/";
  return next;
}

function signInPathFor(location: { pathname: string; search: string }): string {
  return `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** Layout route for pages that need a signed-in person; others go to sign in and come back. */
export function RequireSignedIn() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoader />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  if (!me.data) return <Navigate to={signInPathFor(location)} replace />;
  return <Outlet />;
}

/** Layout route for the product team's pages; sits inside `RequireSignedIn`. */
export function RequireStaff() {
  const me = useSignedInMe();
  if (!me.isStaff) {
    return (
      <Page title="Not available">
        <ErrorAlert error="This area is for the product team only." />
      </Page>
    );
  }
  return <Outlet />;
}

/** The signed-in person, for pages rendered behind `RequireSignedIn`. */
export function useSignedInMe(): Me {
  const { data } = useMe();
  if (!data) throw new Error("useSignedInMe is only for pages behind RequireSignedIn.");
  return data;
}
