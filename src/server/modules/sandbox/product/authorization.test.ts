/**
 * Who may call the product environment's staff routes: its connection and provisioning, retrying and
 * reconciling (the callers and the rules of the matrix: src/server/testing/authorization.ts).
 */
import { authorizationMatrix, type Row, staffOnly } from "../../../testing/authorization.js";

const rows: Row[] = [
  {
    route: "GET /api/admin/sandbox/product",
    expected: staffOnly(200),
    call: ({ client }) => client.get("/api/admin/sandbox/product"),
  },
  {
    route: "POST /api/admin/sandbox/product/provisioning/retry",
    // The matrix's community has no product connected: staff get past the access check and are told so.
    expected: staffOnly(409),
    call: ({ client }) => client.post("/api/admin/sandbox/product/provisioning/retry"),
  },
  {
    route: "POST /api/admin/sandbox/product/reconcile",
    expected: staffOnly(409),
    call: ({ client }) => client.post("/api/admin/sandbox/product/reconcile", { dryRun: true }),
  },
];

authorizationMatrix(rows);
