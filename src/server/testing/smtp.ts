import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; subject: string; text: string; headers: ParsedMail["headers"] };

/** A real SMTP listener for tests: Convene sends to it over TCP and tests read what arrived. */
export async function startSmtpCatcher() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            headers: mail.headers,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits until a message matching `match` has arrived (polling: delivery is asynchronous). */
    async waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs = 5000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = received.map((m) => `${m.to.join(",")}: ${m.subject}`).join("\n  ");
          throw new Error(
            `No matching mail arrived within ${timeoutMs} ms. Received:\n  ${seen || "(nothing)"}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link to this site in a message body, e.g. an invitation or reset link. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://\\S+${path}/([A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`No ${path} link in:\n${text}`);
  return match[1];
}

/** The export id and token of the download link in a "your data is ready" e-mail. */
export function exportLinkIn(text: string): { id: string; token: string } {
  const match = /\/profile\?export=([0-9a-f-]+)&token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`No export link in:\n${text}`);
  return { id: match[1], token: match[2] };
}
