import { Typography } from "@mantine/core";
import mentionClasses from "../../app/ui/mentions.module.css";

/** Shows Markdown the server has already rendered and sanitised; the server is the only renderer. */
export function ServerHtml({ html }: { html: string }) {
  const rendered = { __html: html };
  return (
    // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitises this HTML.
    <Typography fz="sm" className={mentionClasses.mentions} dangerouslySetInnerHTML={rendered} />
  );
}
