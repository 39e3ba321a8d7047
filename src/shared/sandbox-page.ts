// Which page of the development environment a service desk ticket may say it came from.

/** A page path a ticket may carry: longer is no page of ours. */
export const MAX_CONTEXT_PAGE_LENGTH = 300;
const SANDBOX_PAGE_PATTERN = /^\/sandbox(?:\/[A-Za-z0-9._~/-]*)?$/;

/**
 * Why `page` cannot be the page a development-environment ticket came from, or null when it can: only
 * a path inside the development environment, so a ticket never carries a link elsewhere. Shared by the
 * new ticket page, which ignores any other `from`, and the server (desk/environment-context.ts), which
 * refuses it.
 */
export function sandboxPageProblem(page: string): string | null {
  if (page.length > MAX_CONTEXT_PAGE_LENGTH) return `Use at most ${MAX_CONTEXT_PAGE_LENGTH} characters.`;
  if (!SANDBOX_PAGE_PATTERN.test(page) || page.includes("//") || page.split("/").includes(".."))
    return "Give the path of a development environment page: /sandbox or a path under /sandbox/.";
  return null;
}
