import { asc, eq } from "drizzle-orm";
import type { AddressObject } from "mailparser";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { sendDueNotifications } from "../../platform/notifications/mailer.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { type ReceivedMail, startSmtpCatcher } from "../../testing/smtp.js";
import { userSummaries } from "../accounts/index.js";
import { actorOf } from "../accounts/users.js";
import { GroupMailListener } from "../groups/inbound.js";
import { addComment, createPost, updatePost } from "./posts.js";
import { addParticipant, createProject, removeParticipant, setArchived } from "./projects.js";
import { projectComments } from "./schema.js";

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let community: TestCommunity;
let listener: GroupMailListener;
let port: number;
let projectId: string;
/** Fay of Fabrikam takes part in person, not through her organisation. */
let fayParticipantId: string;

const people = () => community.demo.people;
type Person = ReturnType<typeof people>[keyof ReturnType<typeof people>];
const as = (person: Person) => actingAs(community.ctx, actorOf(person));
const NED = "member@northwind.example";
const NORA = "admin@northwind.example";
const FAY = "dev@fabrikam.example";

/** A project Northwind and Contoso take part in whole, and Fay in person. */
async function newProject(name: string): Promise<{ projectId: string; fayParticipantId: string }> {
  const staff = as(people().staff);
  const project = await createProject(staff, { name, purpose: "", startsOn: "2026-04-01" });
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso])
    await addParticipant(staff, project.id, { organisationId: organisation.id });
  const fay = await addParticipant(staff, project.id, { userId: people().fabrikamDev.id });
  return { projectId: project.id, fayParticipantId: fay.id };
}

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  community = await startTestCommunity({ smtpUrl: smtp.url, groupMailBurst: 100 });
  listener = new GroupMailListener({ db: community.db, config: community.config });
  port = await listener.listen(0, "127.0.0.1");
  ({ projectId, fayParticipantId } = await newProject("Label printing pilot"));
});
afterAll(async () => {
  await listener?.close();
  await community?.close();
  await smtp?.close();
});

/** Sends over real SMTP; resolves with the server's final reply, or rejects with its refusal. */
async function send(mail: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  try {
    return (await transport.sendMail(mail)).response;
  } finally {
    transport.close();
  }
}

let posted = 0;

/**
 * A post by `author` that Cora comments on: the author, following their own post, is e-mailed about the
 * comment once it stays unread (the missed-mail worker, run as a node would, delivered over SMTP).
 * Answers the post and the Reply-To of that e-mail.
 */
async function mailedPost(author: Person, inProject = projectId) {
  const post = await createPost(as(author), inProject, {
    category: "question",
    title: `Do returned containers go back to stock? (${++posted})`,
    body: "When a subject returns unused containers, can they be dispensed again?",
  });
  await addComment(as(people().contosoMember), inProject, post.id, { body: "We quarantine them first." });
  await sendDueNotifications(
    community.db,
    community.config,
    userSummaries,
    new Date(Date.now() + 11 * 60_000),
  );
  await community.app.mailer.flush();
  const mail = await smtp.waitFor(
    (candidate: ReceivedMail) => candidate.subject === post.title && candidate.to.includes(author.email),
  );
  const replyTo = mail.headers.get("reply-to") as AddressObject | undefined;
  const address = replyTo?.value[0]?.address;
  if (!address) throw new Error(`The e-mail about ${post.title} has no Reply-To`);
  return { post, address, link: mail.text };
}

const commentsOn = (postId: string) =>
  community.db
    .select({ authorId: projectComments.authorId, body: projectComments.body })
    .from(projectComments)
    .where(eq(projectComments.postId, postId))
    .orderBy(asc(projectComments.createdAt));

const cora = () => ({ authorId: people().contosoMember.id, body: "We quarantine them first." });

describe("answering a project post's e-mail", () => {
  it("posts the answer as a comment by its sender, without the quoted message and signature", async () => {
    const { post, address, link } = await mailedPost(people().northwindMember);
    expect(link).toContain(`/projects/${projectId}/board?post=${post.id}&comment=`);
    const response = await send({
      from: NED,
      to: address,
      subject: `Re: ${post.title}`,
      text: [
        "Thanks, we will do the same.",
        "",
        "-- ",
        "Ned, Northwind",
        "",
        "On Tue, 1 Dec 2026 at 09:00, Convene <no-reply@example.org> wrote:",
        "> We quarantine them first.",
      ].join("\n"),
    });
    expect(response).toContain("Your answer is posted.");
    expect(await commentsOn(post.id)).toEqual([
      cora(),
      { authorId: people().northwindMember.id, body: "Thanks, we will do the same." },
    ]);
  });

  it("refuses a forged address and another sender during the SMTP conversation, and writes nothing", async () => {
    const { post, address } = await mailedPost(people().northwindMember);
    const [local = "", domain] = address.split("@");
    const forged = `${local.slice(0, -1)}${local.at(-1) === "A" ? "B" : "A"}@${domain}`;
    const text = "Let me check with the pharmacy.";
    await expect(send({ from: NED, to: forged, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
    });
    // Nora sees the post too, but the address was signed for Ned.
    await expect(send({ from: NORA, to: address, subject: "Re", text })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
      response: expect.stringContaining(`not made for ${NORA}`),
    });
    // Ned in the envelope, Nora in From: refused once the headers are read.
    await expect(
      send({ envelope: { from: NED, to: address }, from: NORA, to: address, subject: "Re", text }),
    ).rejects.toMatchObject({ responseCode: 550, command: "DATA" });
    expect(await commentsOn(post.id)).toEqual([cora()]);
  });

  it("refuses someone taken off the project, and a customer once the post is made staff-only", async () => {
    const fays = await mailedPost(people().fabrikamDev);
    await removeParticipant(as(people().staff), projectId, fayParticipantId);
    await expect(send({ from: FAY, to: fays.address, subject: "Re", text: "Yes." })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
      response: expect.stringContaining("no longer see"),
    });
    expect(await commentsOn(fays.post.id)).toEqual([cora()]);

    const neds = await mailedPost(people().northwindMember);
    await updatePost(as(people().staff), projectId, neds.post.id, { visibility: "staff" });
    await expect(send({ from: NED, to: neds.address, subject: "Re", text: "Yes." })).rejects.toMatchObject({
      responseCode: 550,
      command: "RCPT TO",
      response: expect.stringContaining("no longer see"),
    });
    expect(await commentsOn(neds.post.id)).toEqual([cora()]);
  });

  it("refuses an answer to a post in an archived project at RCPT TO, as it refuses a comment on the web", async () => {
    const archived = await newProject("Archived pilot");
    const { post, address } = await mailedPost(people().northwindMember, archived.projectId);
    await setArchived(as(people().staff), archived.projectId, true);
    await expect(send({ from: NED, to: address, subject: "Re", text: "Late, sorry." })).rejects.toMatchObject(
      {
        responseCode: 550,
        command: "RCPT TO",
        response: expect.stringContaining("archived"),
      },
    );
    expect(await commentsOn(post.id)).toEqual([cora()]);
  });

  it("refuses an answer longer than a comment may be on the web, and writes nothing", async () => {
    const { post, address } = await mailedPost(people().northwindMember);
    await expect(
      send({ from: NED, to: address, subject: "Re", text: "All good. ".repeat(5_001) }),
    ).rejects.toMatchObject({
      responseCode: 550,
      command: "DATA",
      response: expect.stringContaining("50,000"),
    });
    expect(await commentsOn(post.id)).toEqual([cora()]);
  });
});
