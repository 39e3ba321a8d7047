import { and, asc, desc, eq, exists, isNull, sql } from "drizzle-orm";
import type { SearchHit } from "../../../../shared/contracts/search.js";
import type { ActorCtx } from "../../../platform/context.js";
import type { KindSearch } from "../../../platform/search/engine.js";
import { highlightName } from "../../../platform/search/text-query.js";
import { passesGate } from "../access/index.js";
import { defaultVolunteerDisplay, displayShowsNames } from "./policy.js";
import { enrolments, studies, volunteers } from "./schema.js";

/**
 * The development environment's records in the one search, for whoever passes its gate (anyone else
 * gets none, as if there were none): studies by protocol number, title or sponsor, the study list's
 * fields; volunteers by display id, and by name only when the reader's privacy display shows names.
 * Nothing else of a volunteer (date of birth, contact details, region, measures, medical history) is
 * matched or shown. Neither has an author or a day a reader asks about, so `from:`, `before:` and
 * `after:` find none.
 */

const DEVELOPMENT_ENVIRONMENT = "Development environment";

/**
 * The gate asked once per search (the engine hands studies and volunteers the same search): it is
 * five statements (wipe, role, agreement, acceptance).
 */
const gateOfSearch = new WeakMap<KindSearch, Promise<boolean>>();
function passesGateOnce(ctx: ActorCtx, search: KindSearch): Promise<boolean> {
  let passed = gateOfSearch.get(search);
  if (!passed) {
    passed = passesGate(ctx);
    gateOfSearch.set(search, passed);
  }
  return passed;
}

/** Studies, every one for every sandbox user, as the study list reads them. */
export async function findStudies(ctx: ActorCtx, search: KindSearch): Promise<SearchHit[]> {
  const { text, limit } = search;
  const { parsed } = text;
  if (!text.hasText || parsed.in || parsed.from || parsed.before || parsed.after) return [];
  if (!(await passesGateOnce(ctx, search))) return [];
  const rank = sql<number>`greatest(${text.nameRank(studies.protocolNumber)}, ${text.nameRank(studies.title)})`;
  const rows = await ctx.db
    .select({
      id: studies.id,
      protocolNumber: studies.protocolNumber,
      title: studies.title,
      sponsor: studies.sponsor,
      rank,
    })
    .from(studies)
    .where(text.nameMatches(studies.protocolNumber, studies.title, studies.sponsor))
    .orderBy(desc(rank), asc(studies.protocolNumber))
    .limit(limit);
  return rows.map((row) => ({
    kind: "study" as const,
    id: row.id,
    title: highlightName(`${row.protocolNumber}: ${row.title}`, parsed),
    snippet: null,
    context: `${DEVELOPMENT_ENVIRONMENT} · ${row.sponsor}`,
    path: `/sandbox/studies/${row.id}`,
    at: null,
    rank: Number(row.rank),
  }));
}

/** `in:nw-101`: volunteers ever screened for the study with that protocol number (the list's study filter). */
const inStudy = (ctx: ActorCtx, protocolNumber: string) =>
  exists(
    ctx.db
      .select({ one: sql`1` })
      .from(enrolments)
      .innerJoin(studies, eq(studies.id, enrolments.studyId))
      .where(
        and(
          eq(enrolments.volunteerId, volunteers.id),
          sql`lower(${studies.protocolNumber}) = ${protocolNumber}`,
        ),
      ),
  );

/** Volunteers not removed, as the volunteer list reads them, in the reader's default privacy display. */
export async function findVolunteers(ctx: ActorCtx, search: KindSearch): Promise<SearchHit[]> {
  const { text, limit } = search;
  const { parsed } = text;
  if (!(text.hasText || parsed.in) || parsed.from || parsed.before || parsed.after) return [];
  if (!(await passesGateOnce(ctx, search))) return [];
  const namesShown = displayShowsNames(defaultVolunteerDisplay(ctx.actor));
  const name = sql<string>`${volunteers.firstName} || ' ' || ${volunteers.lastName}`;
  const rank = namesShown
    ? sql<number>`greatest(${text.nameRank(volunteers.displayId)}, ${text.nameRank(name)})`
    : text.nameRank(volunteers.displayId);
  const rows = await ctx.db
    .select({
      id: volunteers.id,
      displayId: volunteers.displayId,
      name: namesShown ? name : sql<string | null>`null`,
      rank,
    })
    .from(volunteers)
    .where(
      and(
        isNull(volunteers.removedAt),
        namesShown ? text.nameMatches(volunteers.displayId, name) : text.nameMatches(volunteers.displayId),
        parsed.in ? inStudy(ctx, parsed.in) : undefined,
      ),
    )
    .orderBy(desc(rank), asc(volunteers.displayId))
    .limit(limit);
  return rows.map((row) => ({
    kind: "volunteer" as const,
    id: row.id,
    title: highlightName(row.name ? `${row.displayId} · ${row.name}` : row.displayId, parsed),
    snippet: null,
    context: DEVELOPMENT_ENVIRONMENT,
    path: `/sandbox/volunteers/${row.id}`,
    at: null,
    rank: Number(row.rank),
  }));
}
