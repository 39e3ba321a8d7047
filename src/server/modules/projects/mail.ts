import type { Config } from "../../config.js";
import type { OutgoingMail } from "../../platform/mail/service.js";

type PostRef = { id: string; projectId: string; title: string };

/** The web page of a post (the project home's board). */
export const postLink = (config: Config, post: PostRef) =>
  `${config.publicUrl}/projects/${post.projectId}/board?post=${post.id}`;

const subjectLine = (projectName: string, post: PostRef) => `[${projectName}] ${post.title}`;
const mutedHint = "To stop e-mails about this post, open it and choose Mute.";

export function announcementMail(
  config: Config,
  input: { to: string; projectName: string; post: PostRef; authorName: string; body: string },
): OutgoingMail {
  return {
    to: input.to,
    subject: subjectLine(input.projectName, input.post),
    text: [
      `${input.authorName} posted an announcement in ${input.projectName}:`,
      "",
      input.body,
      "",
      `Read and comment: ${postLink(config, input.post)}`,
    ].join("\n"),
  };
}

export function commentMail(
  config: Config,
  input: { to: string; projectName: string; post: PostRef; authorName: string; body: string },
): OutgoingMail {
  return {
    to: input.to,
    subject: `Re: ${subjectLine(input.projectName, input.post)}`,
    text: [
      `${input.authorName} commented:`,
      "",
      input.body,
      "",
      `See the whole conversation: ${postLink(config, input.post)}`,
      mutedHint,
    ].join("\n"),
  };
}

export function mentionMail(
  config: Config,
  input: { to: string; projectName: string; post: PostRef; authorName: string; body: string },
): OutgoingMail {
  return {
    to: input.to,
    subject: `${input.authorName} mentioned you: ${subjectLine(input.projectName, input.post)}`,
    text: [
      `${input.authorName} mentioned you in ${input.projectName}:`,
      "",
      input.body,
      "",
      `Reply: ${postLink(config, input.post)}`,
    ].join("\n"),
  };
}
