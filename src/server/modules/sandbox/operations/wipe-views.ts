/** How a wipe is shown (names of who scheduled and cancelled it). */
import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { notFound } from "../../../platform/errors.js";
import { userSummaries } from "../../accounts/index.js";
import { presentWipe, type WipeRow, type WipeView } from "./present.js";
import { sandboxWipes } from "./schema.js";

export async function presentWipes(db: Db, rows: WipeRow[]): Promise<WipeView[]> {
  const people = await userSummaries(
    db,
    rows.flatMap((row) => (row.cancelledBy ? [row.scheduledBy, row.cancelledBy] : [row.scheduledBy])),
  );
  const names = new Map([...people].map(([id, person]) => [id, { id, name: person.name }]));
  return rows.map((row) => presentWipe(row, names));
}

export async function presentWipeRow(db: Db, row: WipeRow): Promise<WipeView> {
  const [view] = await presentWipes(db, [row]);
  if (!view) throw notFound("The wipe");
  return view;
}

/** The wipe with this id, for the runner's caller and tests. */
export async function getWipe(db: Db, id: string): Promise<WipeView> {
  const [row] = await db.select().from(sandboxWipes).where(eq(sandboxWipes.id, id));
  if (!row) throw notFound("The wipe");
  return presentWipeRow(db, row);
}
