/**
 * Exports of the tools Convene imports from, built in the tests to the formats the tools document:
 * shared by the importers' tests, the imports' authorization matrix and the browser specs.
 */

const ts = (iso: string, n = 0) => `${Date.parse(iso) / 1000}.${String(n).padStart(6, "0")}`;
const ROOT = ts("2024-03-05T09:00:00Z", 100);

/** A small Slack workspace export in Slack's own layout, with the quirks its exports have. */
export function slackExportEntries(): Record<string, string | Buffer> {
  const users = [
    {
      id: "U01",
      team_id: "T9",
      name: "mia",
      real_name: "Mia Member",
      profile: { email: "member@northwind.example" },
    },
    {
      id: "U02",
      team_id: "T9",
      name: "new",
      real_name: "Nia Newcomer",
      profile: { email: "nia@acme-labs.example" },
    },
    { id: "U03", team_id: "T9", name: "gone", real_name: "Gus Gone", deleted: true, profile: {} },
    { id: "B01", team_id: "T9", name: "ci", is_bot: true, profile: {} },
  ];
  const channels = [
    {
      id: "C01",
      name: "dosing-questions",
      created: 1704067200,
      creator: "U01",
      members: ["U01", "U02"],
      topic: { value: "Dose escalation" },
      purpose: { value: "Questions about dosing tables" },
      pins: [{ id: ROOT, user: "U01", created: 1709630000 }],
    },
    { id: "C02", name: "release-notes", created: 1704067200, creator: "U01", members: ["U01"] },
  ];
  const day = [
    {
      type: "message",
      subtype: "channel_join",
      user: "U02",
      text: "<@U02> has joined the channel",
      ts: ts("2024-03-05T08:00:00Z"),
    },
    {
      type: "message",
      user: "U01",
      text: "*Cohort B* titration: see <https://example.org/protocol|the protocol> &amp; ask <@U02> in <#C02|release-notes>",
      ts: ROOT,
      thread_ts: ROOT,
      reply_count: 2,
      reactions: [
        { name: "+1", users: ["U02", "U01"], count: 2 },
        { name: "custom_party", users: ["U02"], count: 1 },
      ],
      edited: { user: "U01", ts: ts("2024-03-05T09:05:00Z") },
    },
    {
      type: "message",
      user: "U02",
      text: "Thanks, the _titration_ table helps",
      ts: ts("2024-03-05T09:10:00Z"),
      thread_ts: ROOT,
    },
    {
      type: "message",
      subtype: "thread_broadcast",
      user: "U03",
      text: "~old~ answer for <!channel>",
      ts: ts("2024-03-05T09:20:00Z"),
      thread_ts: ROOT,
    },
    {
      type: "message",
      subtype: "bot_message",
      bot_id: "B01",
      username: "CI",
      text: "Build 42 passed",
      ts: ts("2024-03-05T10:00:00Z"),
    },
    {
      type: "message",
      subtype: "file_share",
      user: "U01",
      text: "Dosing sheet",
      ts: ts("2024-03-05T11:00:00Z"),
      files: [
        { id: "F01", name: "dosing.csv", mimetype: "text/csv" },
        {
          id: "F02",
          name: "old.pdf",
          mimetype: "application/pdf",
          url_private: "https://files.slack.com/old.pdf",
        },
      ],
    },
  ];
  return {
    "users.json": JSON.stringify(users),
    "channels.json": JSON.stringify(channels),
    "groups.json": JSON.stringify([
      { id: "G01", name: "northwind-private", created: 1704067200, creator: "U01", members: ["U01", "U02"] },
    ]),
    "dms.json": JSON.stringify([{ id: "D01", created: 1704067200, members: ["U01", "U02"] }]),
    "dosing-questions/2024-03-05.json": JSON.stringify(day),
    "release-notes/2024-03-01.json": JSON.stringify([
      { type: "message", user: "U01", text: "Release 4.2 is out", ts: ts("2024-03-01T12:00:00Z") },
    ]),
    "northwind-private/2024-03-02.json": JSON.stringify([
      { type: "message", user: "U02", text: "A private word about aliquots", ts: ts("2024-03-02T12:00:00Z") },
    ]),
    "D01/2024-03-03.json": JSON.stringify([
      { type: "message", user: "U02", text: "hello Mia", ts: ts("2024-03-03T12:00:00Z") },
    ]),
    "__uploads/F01/dosing.csv": "cohort,dose\nB,10mg\n",
  };
}

/** The small Slack export as a zip file in the system's temporary directory; returns its path. */
export async function writeSlackExport(name: string): Promise<string> {
  const os = await import("node:os");
  const path = await import("node:path");
  const { writeZip } = await import("./zip.js");
  return writeZip(path.join(os.tmpdir(), `${name}-${process.pid}-${Date.now()}.zip`), slackExportEntries());
}
