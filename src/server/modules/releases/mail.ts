import type { Config } from "../../config.js";
import type { OutgoingMail } from "../../platform/mail/service.js";
import { escapeHtml, featureLines, type ReleaseContent, releaseHtml } from "./content.js";
import { releaseHeadline } from "./present.js";

/** Subject and text of the announcement as members get it by e-mail (also shown in the preview). */
export function releaseMailContent(
  config: Config,
  release: ReleaseContent,
): { subject: string; text: string } {
  const lines = [releaseHeadline(release), `Released ${release.releaseDate}`, "", release.notes.trim()];
  if (release.features.length > 0) lines.push("", "Features:", ...featureLines(release.features));
  lines.push(
    "",
    `Read it online: ${release.url}`,
    "",
    "--",
    "You get this e-mail because release announcements are on in your Convene profile.",
    `Turn them off at ${config.publicUrl}/profile`,
  );
  return { subject: releaseHeadline(release), text: lines.join("\n") };
}

export function releaseMail(config: Config, release: ReleaseContent, to: string): OutgoingMail {
  const { subject, text } = releaseMailContent(config, release);
  return {
    to,
    subject,
    text,
    html: [
      `<h1>${escapeHtml(releaseHeadline(release))}</h1>`,
      `<p>Released ${escapeHtml(release.releaseDate)}</p>`,
      releaseHtml(release),
      `<p><a href="${escapeHtml(release.url)}">Read it online</a></p>`,
      `<p><small>You get this e-mail because release announcements are on in your Convene profile. <a href="${escapeHtml(`${config.publicUrl}/profile`)}">Turn them off</a>.</small></p>`,
    ].join("\n"),
    headers: { "List-Unsubscribe": `<${config.publicUrl}/profile>` },
  };
}
