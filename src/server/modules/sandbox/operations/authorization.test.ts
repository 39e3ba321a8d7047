/**
 * Who may call the sandbox's operations routes: environment, settings, flags, deployments, wipes (the
 * callers and the rules of the matrix: src/server/testing/authorization.ts).
 */
import { inArray } from "drizzle-orm";
import { sandboxWipes } from "../../../db/schema.js";
import {
  acceptAs,
  asStaffCtx,
  authorizationMatrix,
  community,
  everyone,
  type Row,
  sandboxReaders,
  signedIn,
  staffOnly,
  unique,
} from "../../../testing/authorization.js";
import { createFlag } from "./flags.js";
import { scheduleWipe } from "./wipes.js";

/** Cancels any scheduled wipe, so a case can schedule one. */
async function clearPendingWipes(): Promise<void> {
  const { db } = community();
  await db
    .update(sandboxWipes)
    .set({ status: "cancelled" })
    .where(inArray(sandboxWipes.status, ["scheduled", "running"]));
}

const rows: Row[] = [
  {
    route: "GET /api/sandbox/environment",
    // Not behind the agreement gate: the environment banner shows on the agreement page too.
    expected: signedIn(200),
    call: ({ client }) => client.get("/api/sandbox/environment"),
  },
  {
    route: "GET /api/sandbox/flags",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/flags");
    },
  },
  {
    route: "POST /api/admin/sandbox/flags",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/flags", {
        key: unique("matrix-flag"),
        name: "Matrix flag",
        state: "off",
      }),
  },
  {
    route: "PATCH /api/admin/sandbox/flags/:key",
    expected: staffOnly(200),
    call: async ({ client }) => {
      const flag = await createFlag(asStaffCtx(), {
        key: unique("matrix-flag"),
        name: "Matrix flag",
        description: "",
        state: "off",
      });
      return client.patch(`/api/admin/sandbox/flags/${flag.key}`, { state: "preview" });
    },
  },
  {
    route: "POST /api/sandbox/product/flags",
    // No caller is the credential here, a signature is (product-flags.test.ts); and with the flags
    // decided by staff, as in this community, the product's flag service may not post them at all.
    expected: everyone(409),
    call: ({ client }) => client.post("/api/sandbox/product/flags", { flags: { pharmacy: "on" } }),
  },
  {
    route: "GET /api/sandbox/deployments",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/deployments?limit=5");
    },
  },
  {
    route: "POST /api/admin/sandbox/deployments",
    expected: staffOnly(201),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/deployments", {
        buildId: unique("matrix-build"),
        version: "26.9-rc.1",
      }),
  },
  {
    route: "GET /api/admin/sandbox/settings",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/settings"),
  },
  {
    route: "PATCH /api/admin/sandbox/settings",
    expected: staffOnly(200),
    call: ({ client }) => client.patch("/api/admin/sandbox/settings", { wipeNoticeHours: 24 }),
  },
  // Wipes: at most one is pending, so each case clears what an earlier one scheduled.
  {
    route: "GET /api/admin/sandbox/wipes",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/wipes"),
  },
  {
    route: "GET /api/sandbox/wipes/next",
    expected: sandboxReaders(200),
    call: async ({ client, email }) => {
      await acceptAs(email);
      return client.get("/api/sandbox/wipes/next");
    },
  },
  {
    route: "POST /api/admin/sandbox/wipes",
    expected: staffOnly(201),
    call: async ({ client }) => {
      await clearPendingWipes();
      return client.post("/api/admin/sandbox/wipes", {
        scheduledFor: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        message: "Matrix wipe.",
      });
    },
  },
  {
    route: "POST /api/admin/sandbox/wipes/now",
    // Staff get past the access check and are stopped by the confirmation, so the matrix wipes nothing.
    expected: staffOnly(400),
    call: ({ client }) =>
      client.post("/api/admin/sandbox/wipes/now", { confirmation: "not the phrase", message: "Matrix." }),
  },
  {
    route: "POST /api/admin/sandbox/wipes/:id/cancel",
    expected: staffOnly(200),
    call: async ({ client }) => {
      await clearPendingWipes();
      const wipe = await scheduleWipe(asStaffCtx(), {
        scheduledFor: new Date(Date.now() + 48 * 3_600_000),
        message: "Matrix wipe to cancel.",
      });
      return client.post(`/api/admin/sandbox/wipes/${wipe.id}/cancel`);
    },
  },
];

authorizationMatrix(rows);
