import { Typography } from "@mantine/core";

/** Shows Markdown the server has already rendered and sanitised; the server is the only renderer. */
export function ServerHtml({ html }: { html: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitises this HTML.
  return <Typography fz="sm" dangerouslySetInnerHTML={{ __html: html }} />;
}
