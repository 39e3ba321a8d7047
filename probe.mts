import { startTestCommunity } from "./src/server/testing/harness.ts";

const c = await startTestCommunity();
const base = await c.listen();
const staff = await c.signIn("staff@vendor.example");
const show = async (label: string, r: Response) =>
  console.log(label, r.status, (await r.text()).slice(0, 200));
const h = { cookie: staff.cookie!, "x-convene-csrf": "1", "content-type": "application/json" };
await show("long param", await fetch(`${base}/api/admin/releases/${"a".repeat(600)}`, { headers: h }));
await show("long url", await fetch(`${base}/api/releases?x=${"a".repeat(100000)}`, { headers: h }));
await show(
  "big header",
  await fetch(`${base}/api/releases`, { headers: { ...h, "x-big": "a".repeat(20000) } }),
);
await show(
  "big body",
  await fetch(`${base}/api/admin/releases`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ notes: "a".repeat(2_000_000) }),
  }),
);
await show(
  "media",
  await fetch(`${base}/api/admin/releases`, {
    method: "POST",
    headers: { ...h, "content-type": "text/plain" },
    body: "x",
  }),
);
await show("json", await fetch(`${base}/api/admin/releases`, { method: "POST", headers: h, body: "{bad" }));
await show(
  "nul",
  await fetch(`${base}/api/admin/webhooks`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ name: "a\u0000b", url: "https://example.com/x" }),
  }),
);
await show("pct00", await fetch(`${base}/api/releases/%00`, { headers: h }));
await c.close();
