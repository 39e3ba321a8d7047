/**
 * A Basecamp project export for the tests, in bc3's JSON shapes and read.ts's layout: two projects,
 * messages with comments, a message hidden from clients, a document with a comment, an upload with
 * its bytes and one without, a to-do list with to-dos (and a comment on one), a schedule entry
 * (a type Convene does not import), a comment whose parent is missing, a vault (a container) and a
 * message in the trash.
 */

import { writeZip } from "./zip.js";

const person = (id: number, name: string, email: string, client = false) => ({
  id,
  name,
  email_address: email,
  client,
  personable_type: client ? "Client" : "User",
});

export const fixturePeople = {
  staff: person(1, "Sam Staff", "staff@vendor.example"),
  northwind: person(2, "Nora Northwind", "Member@Northwind.example", true),
  ghost: person(3, "Gus Ghost", "gus@elsewhere.example", true),
  contoso: person(4, "Cora Contoso", "member@contoso.example", true),
  bot: { id: 5, name: "Zapier", email_address: null, personable_type: "Integration" },
};
const { staff, northwind, ghost, contoso, bot } = fixturePeople;

const acme = { id: 1001, name: "Acme Launch", type: "Project" };
const website = { id: 1002, name: "Website refresh", type: "Project" };

const recording = <T extends { id: number }>(fields: T) => ({
  status: "active",
  visible_to_clients: true,
  bucket: acme,
  ...fields,
});

export const acmeProject = {
  id: acme.id,
  name: "Acme Launch",
  description: "<div>Launch the <strong>new</strong> lab portal.</div>",
  created_at: "2023-01-10T08:00:00.000Z",
  updated_at: "2023-03-01T08:00:00.000Z",
  status: "active",
  creator: staff,
  people: [staff, northwind, ghost],
};

export const acmeRecordings = {
  kickoff: recording({
    id: 2001,
    type: "Message",
    subject: "Kickoff quokka notes",
    title: "Kickoff quokka notes",
    content:
      '<div>Welcome <strong>all</strong> &amp; thanks.<br>See <a href="https://example.com/plan">the plan</a>.</div><ul><li>one</li><li>two</li></ul>',
    category: { name: "Announcement" },
    created_at: "2023-01-11T09:00:00.000Z",
    updated_at: "2023-01-12T09:00:00.000Z",
    creator: staff,
  }),
  kickoffReply: recording({
    id: 3001,
    type: "Comment",
    content: "<div>Sounds good to me.</div>",
    parent: { id: 2001, type: "Message" },
    created_at: "2023-01-11T10:00:00.000Z",
    updated_at: "2023-01-11T10:00:00.000Z",
    creator: northwind,
  }),
  kickoffStaffReply: recording({
    id: 3002,
    type: "Comment",
    content: "<div>Agenda to follow.</div>",
    parent: { id: 2001, type: "Message" },
    created_at: "2023-01-11T11:00:00.000Z",
    updated_at: "2023-01-11T11:00:30.000Z",
    creator: staff,
  }),
  pricing: recording({
    id: 2002,
    type: "Message",
    subject: "Internal pricing wombat",
    content: "<div>Margins stay between us.</div>",
    visible_to_clients: false,
    created_at: "2023-01-13T09:00:00.000Z",
    updated_at: "2023-01-13T09:00:00.000Z",
    creator: staff,
  }),
  pricingReply: recording({
    id: 3003,
    type: "Comment",
    content: "<div>Agreed.</div>",
    visible_to_clients: false,
    parent: { id: 2002, type: "Message" },
    created_at: "2023-01-13T10:00:00.000Z",
    updated_at: "2023-01-13T10:00:00.000Z",
    creator: staff,
  }),
  spec: recording({
    id: 4001,
    type: "Document",
    title: "Lab portal spec",
    content: "<h1>Scope</h1><div>Sign-in, <em>results</em> and reports.</div>",
    created_at: "2023-01-14T09:00:00.000Z",
    updated_at: "2023-02-01T09:00:00.000Z",
    creator: staff,
  }),
  specComment: recording({
    id: 3004,
    type: "Comment",
    content: "<div>Reports first, please.</div>",
    parent: { id: 4001, type: "Document" },
    created_at: "2023-01-15T09:00:00.000Z",
    updated_at: "2023-01-15T09:00:00.000Z",
    creator: northwind,
  }),
  notes: recording({
    id: 5001,
    type: "Upload",
    title: "notes.txt",
    filename: "notes.txt",
    content_type: "text/plain",
    byte_size: 14,
    description: null,
    download_url: "https://3.basecampapi.com/1/buckets/1001/uploads/5001/download/notes.txt",
    parent: { id: 8001, type: "Vault" },
    created_at: "2023-01-16T09:00:00.000Z",
    updated_at: "2023-01-16T09:00:02.000Z",
    creator: northwind,
  }),
  diagram: recording({
    id: 5002,
    type: "Upload",
    title: "diagram.png",
    filename: "diagram.png",
    content_type: "image/png",
    byte_size: 2048,
    download_url: "https://3.basecampapi.com/1/buckets/1001/uploads/5002/download/diagram.png",
    parent: { id: 8001, type: "Vault" },
    created_at: "2023-01-17T09:00:00.000Z",
    updated_at: "2023-01-17T09:00:00.000Z",
    creator: staff,
  }),
  checklist: recording({
    id: 6001,
    type: "Todolist",
    title: "Launch checklist",
    name: "Launch checklist",
    description: "<div>Before the launch.</div>",
    created_at: "2023-01-18T09:00:00.000Z",
    updated_at: "2023-01-18T09:00:00.000Z",
    creator: staff,
  }),
  bookRoom: recording({
    id: 6101,
    type: "Todo",
    title: "Book the room",
    content: "Book the room",
    completed: true,
    completion: { created_at: "2023-01-19T12:00:00.000Z", creator: staff },
    due_on: "2023-01-20",
    assignees: [staff],
    parent: { id: 6001, type: "Todolist" },
    position: 1,
    created_at: "2023-01-18T09:05:00.000Z",
    updated_at: "2023-01-19T12:00:00.000Z",
    creator: staff,
  }),
  invitations: recording({
    id: 6102,
    type: "Todo",
    title: "Send invitations",
    content: "Send invitations",
    description: "<div>Use the *new* list.</div>",
    completed: false,
    due_on: "2023-01-25",
    assignees: [northwind, staff],
    parent: { id: 6001, type: "Todolist" },
    position: 2,
    created_at: "2023-01-18T09:06:00.000Z",
    updated_at: "2023-01-18T09:06:00.000Z",
    creator: staff,
  }),
  invitationsComment: recording({
    id: 3005,
    type: "Comment",
    content: "<div>Draft is ready.</div>",
    parent: { id: 6102, type: "Todo" },
    created_at: "2023-01-21T09:00:00.000Z",
    updated_at: "2023-01-21T09:00:00.000Z",
    creator: northwind,
  }),
  meeting: recording({
    id: 7001,
    type: "Schedule::Entry",
    title: "Launch meeting",
    created_at: "2023-01-22T09:00:00.000Z",
    updated_at: "2023-01-22T09:00:00.000Z",
    creator: bot,
  }),
  orphan: recording({
    id: 3006,
    type: "Comment",
    content: "<div>Lost.</div>",
    parent: { id: 9999, type: "Message" },
    created_at: "2023-01-23T09:00:00.000Z",
    updated_at: "2023-01-23T09:00:00.000Z",
    creator: ghost,
  }),
  vault: recording({
    id: 8001,
    type: "Vault",
    title: "Docs & Files",
    created_at: "2023-01-10T08:00:00.000Z",
    updated_at: "2023-01-10T08:00:00.000Z",
    creator: staff,
  }),
  binned: recording({
    id: 2003,
    type: "Message",
    status: "trashed",
    subject: "Oops",
    content: "<div>Wrong project.</div>",
    created_at: "2023-01-24T09:00:00.000Z",
    updated_at: "2023-01-24T09:00:00.000Z",
    creator: staff,
  }),
};

export const websiteProject = {
  id: website.id,
  name: "Website refresh",
  description: "A new homepage.",
  created_at: "2023-04-01T08:00:00.000Z",
  updated_at: "2023-05-01T08:00:00.000Z",
  status: "archived",
  people: [staff, contoso],
};

export const websiteRecordings = [
  recording({
    id: 2101,
    type: "Message",
    subject: "Homepage copy",
    content: "<div>Draft attached.</div>",
    bucket: website,
    created_at: "2023-04-02T09:00:00.000Z",
    updated_at: "2023-04-02T09:00:00.000Z",
    creator: contoso,
  }),
  recording({
    id: 3101,
    type: "Comment",
    content: "<div>Looks great.</div>",
    parent: { id: 2101, type: "Message" },
    bucket: website,
    created_at: "2023-04-03T09:00:00.000Z",
    updated_at: "2023-04-03T09:00:00.000Z",
    creator: staff,
  }),
];

export const NOTES_BYTES = "hello basecamp";

/**
 * The zip: Acme Launch in `acme-launch/` with one file per recording under recordings/ (the comments
 * also in recordings.json, to be read once), Website refresh in `exports/website/` as one array.
 */
export function writeBasecampFixture(filePath: string): Promise<string> {
  const { kickoffReply, kickoffStaffReply, ...others } = acmeRecordings;
  const entries: Record<string, string | Buffer> = {
    "acme-launch/project.json": JSON.stringify(acmeProject),
    "acme-launch/recordings.json": JSON.stringify([kickoffReply, kickoffStaffReply]),
    "acme-launch/recordings/comments/3001.json": JSON.stringify(kickoffReply),
    "acme-launch/files/5001/notes.txt": NOTES_BYTES,
    "exports/website/project.json": JSON.stringify(websiteProject),
    "exports/website/recordings.json": JSON.stringify(websiteRecordings),
  };
  for (const item of Object.values(others))
    entries[`acme-launch/recordings/${item.id}.json`] = JSON.stringify(item);
  return writeZip(filePath, entries);
}
