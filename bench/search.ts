/**
 * The one search at scale: GET /api/search through the real app (Fastify inject: session, zod,
 * `from:` resolution, every module's kind with its visibility rule, headlines, presentation) against
 * the floor, the same query as hand-written SQL over the same tables with the same visibility (per
 * kind: `select id … where search @@ to_tsquery(…) order by rank … limit 6`, the rank over the newest
 * RANKED_MATCHES matches as the kinds do, KINDS_AT_ONCE kinds at a time as the engine asks them), in
 * the same run on the same database, as a customer and as staff.
 *
 * The corpus (bench/search-seed.ts) is written with set-based SQL into the modules' real tables:
 * at scale 1 (PostgreSQL) 1,000,000 chat messages in 200 channels, 100,000 desk tickets and 200,000
 * project and group items; PGlite gets a tenth of that.
 *
 *   npm run bench:search                          PGlite; PostgreSQL too when a server is named
 *   npm run bench:search -- --postgres            PostgreSQL only (--pglite: PGlite only)
 *   npm run bench:search -- --explain             and EXPLAIN (ANALYZE, BUFFERS) of the slowest statement
 *                                                 of each query slower than BENCH_SLOW_MS (50) at p95
 *   BENCH_SCALE=1 (PostgreSQL's size; PGlite gets a tenth)   BENCH_ROUNDS=10 (timed runs per query and role)
 *   BENCH_QUERIES=3,5 (only those rows of the table)
 *   BENCH_KEEP=1: keep the PostgreSQL database (its URL is printed) for psql and EXPLAIN afterwards
 *   BENCH_DATABASE_URL (or TEST_DATABASE_URL, DATABASE_URL): the server a fresh database is made on
 *
 * Seeding 1× takes a few minutes on PostgreSQL (progress on stderr); each run makes its own database
 * and drops it.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type pg from "pg";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";
import type { Db } from "../src/server/db/client.js";
import { seedDemoCommunity } from "../src/server/demo/seed.js";
import { startSession } from "../src/server/modules/accounts/sessions.js";
import { actorOf } from "../src/server/modules/accounts/users.js";
import { SESSION_COOKIE } from "../src/server/platform/auth/http.js";
import { actingAs, type Ctx } from "../src/server/platform/context.js";
import { startProgress } from "../src/server/platform/progress.js";
import { eachAtMost, findKind, KINDS_AT_ONCE, prepareSearch } from "../src/server/platform/search/engine.js";
import { RANKED_MATCHES, tsqueryText } from "../src/server/platform/search/text-query.js";
import type { SearchGroup } from "../src/shared/contracts/search.js";
import {
  type ParsedSearch,
  parseSearch,
  type SearchKind,
  searchKinds,
  wantsKind,
} from "../src/shared/search-query.js";
import { corpusSizes, itemCounts, rowsOf, seedSearchCorpus } from "./search-seed.js";

const postgresServer =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (postgresServer) process.env.BENCH_DATABASE_URL = postgresServer;
// Read after BENCH_DATABASE_URL is settled: support.ts takes the server from it when loaded.
const { driverOf, freshPglite, freshPostgres, only, thousands } = await import("./support.js");
type Fresh = Awaited<ReturnType<typeof freshPglite>>;

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARMUP = 2;
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 50);
const EXPLAIN = process.argv.includes("--explain");
const PICKED = process.env.BENCH_QUERIES?.split(",").map(Number);
const KEEP = process.env.BENCH_KEEP === "1";

// ---------------------------------------------------------------------------------------------
// The queries

/** `{author}` becomes the address of the corpus's most prolific author. */
const QUERIES: { q: string; why: string }[] = [
  { q: "xerostomia", why: "rare word" },
  { q: "bradycardia", why: "uncommon word" },
  { q: "dosing", why: "common word" },
  { q: "volunteers", why: "common word" },
  { q: "rand", why: "prefix" },
  { q: '"adverse event"', why: "phrase" },
  { q: '"dose escalation" cohort', why: "phrase and word" },
  { q: "sampling -plasma", why: "exclusion" },
  { q: "in:#pharmacy placebo", why: "channel and word" },
  { q: "in:#dosing", why: "channel only" },
  { q: "from:{author} protocol", why: "author and word" },
  { q: "from:okonkwo", why: "author by name only" },
  { q: "type:ticket export", why: "tickets" },
  { q: "type:ticket volunteers", why: "tickets, common word" },
  { q: "after:2026-03-01 before:2026-04-01 screening", why: "a month" },
  { q: "Okonkwo", why: "a person's name" },
  { q: "nikhil", why: "a first name" },
  { q: "type:post,comment,document protocol -amendment", why: "projects, exclusion" },
  { q: "type:topic,group_message consent", why: "groups" },
  { q: 'in:#safety-review "serious adverse" after:2025-06-01', why: "private channel, phrase, day" },
];

// ---------------------------------------------------------------------------------------------
// The floor: each kind's query written by hand

/**
 * The person, with the places they reach read beforehand (outside the timing), as a hand-writer who
 * knows them would inline them: their projects (null for staff: every one), the groups they read and
 * their channels.
 */
type Viewer = {
  id: string;
  organisationId: string;
  isStaff: boolean;
  projectIds: string[] | null;
  groupIds: string[];
  /** The channels they are a member of. */
  channelIds: string[];
};
type RawInput = {
  parsed: ParsedSearch;
  /** to_tsquery text, null for filters only. */
  tsquery: string | null;
  viewer: Viewer;
  /** The channels `in:` names, read beforehand like the viewer's places; null without `in:`. */
  channelIds: string[] | null;
};

const DAY = "interval '1 day'";

/** `after:` and `before:` on a timestamp column, as the syntax reads them (the days themselves excluded). */
function days(column: string, parsed: ParsedSearch): SQL {
  return sql.join(
    [
      parsed.after ? sql`and ${sql.raw(column)} >= ${parsed.after}::date + ${sql.raw(DAY)}` : sql``,
      parsed.before ? sql`and ${sql.raw(column)} < ${parsed.before}::date` : sql``,
    ],
    sql` `,
  );
}

/** The people `from:` names, by address or by part of a name or address. */
const authors = (from: string) =>
  sql`(select id from users where status = 'active' and (email = ${from} or name ilike ${`%${from}%`} or email ilike ${`%${from}%`}))`;

/** Words and phrases ranked, or newest first for filters only, as the engine orders. */
const textOrder = (vector: string, tsquery: string | null, newest: string) =>
  tsquery
    ? sql`order by ts_rank_cd(${sql.raw(vector)}, to_tsquery('english', ${tsquery}), 32) desc, ${sql.raw(newest)} desc`
    : sql`order by ${sql.raw(newest)} desc`;

const textMatch = (vector: string, input: RawInput) =>
  input.tsquery
    ? sql`and ${sql.raw(vector)} @@ to_tsquery('english', ${input.tsquery})`
    : input.parsed.excluded.length > 0
      ? sql`and not ${sql.raw(vector)} @@ to_tsquery('english', ${input.parsed.excluded.join(" | ")})`
      : sql``;

const nameTerms = (parsed: ParsedSearch) => [...parsed.words, ...parsed.phrases.map((p) => p.join(" "))];
const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Names holding every word (in one of the columns) and none of the excluded ones. */
function namesMatch(parsed: ParsedSearch, ...columns: string[]): SQL {
  const any = (text: string, wrap: (column: string) => string) =>
    sql.join(
      columns.map((column) => sql`${sql.raw(wrap(column))} ilike ${like(text)}`),
      sql` or `,
    );
  return sql.join(
    [
      ...nameTerms(parsed).map((term) => sql`and (${any(term, (c) => c)})`),
      ...parsed.excluded.map((word) => sql`and not (${any(word, (c) => `coalesce(${c}, '')`)})`),
    ],
    sql` `,
  );
}

/** Kinds found by name only answer words, and nothing narrowed by place, person or day. */
const nameOnly = ({ parsed, tsquery }: RawInput) =>
  !tsquery || parsed.in || parsed.from || parsed.before || parsed.after;

/** Any of these ids; none: nothing. */
const among = (column: string, ids: string[]) =>
  ids.length > 0 ? sql`and ${sql.raw(column)} in ${ids}` : sql`and false`;
/** The projects a customer takes part in, in person or through their organisation; staff: every one. */
const inMyProjects = (column: string, viewer: Viewer) =>
  viewer.projectIds ? among(column, viewer.projectIds) : sql``;
const projectVisibility = (column: string, viewer: Viewer) =>
  viewer.isStaff ? sql`` : sql`and ${sql.raw(column)} = 'project'`;
/** `in:` a project: its name with hyphens for anything but letters and digits, or a part of that. */
const inProject = (parsed: ParsedSearch) =>
  parsed.in
    ? sql`and regexp_replace(lower(pr.name), '[^[:alnum:]]+', '-', 'g') like ${like(parsed.in)}`
    : sql``;
/** An active member of the group. */
const readsGroup = (column: string, viewer: Viewer) => among(column, viewer.groupIds);
const byAuthor = (parsed: ParsedSearch, ...columns: string[]) =>
  parsed.from
    ? sql`and (${sql.join(
        columns.map((column) => sql`${sql.raw(column)} in ${authors(parsed.from as string)}`),
        sql` or `,
      )})`
    : sql``;

/**
 * A text kind's floor: the ids `matching` selects (every condition of the kind applied), the best
 * first. With words, the newest RANKED_MATCHES of them (`candidatesBy`, an indexed order) are ranked,
 * as the kinds rank (text-query.ts); without, the newest first.
 */
function rankedNewest(kind: {
  /** The table (and joins) the rank and order read, `id` its key. */
  from: string;
  id: string;
  matching: SQL;
  candidatesBy: string;
  vector: string;
  newest: string;
  tsquery: string | null;
}): SQL {
  if (!kind.tsquery) return sql`${kind.matching} order by ${sql.raw(kind.newest)} desc limit 6`;
  return sql`
    select ${sql.raw(kind.id)} from ${sql.raw(kind.from)}
    where ${sql.raw(kind.id)} in (${kind.matching} order by ${sql.raw(kind.candidatesBy)} desc limit ${RANKED_MATCHES})
    ${textOrder(kind.vector, kind.tsquery, kind.newest)} limit 6`;
}

/** Per kind: its query by hand, or null when the kind has nothing to say about such a query. */
const RAW: Partial<Record<SearchKind, (input: RawInput) => SQL | null>> = {
  message: (input) => {
    const { parsed, viewer } = input;
    return rankedNewest({
      from: "messages m",
      id: "m.id",
      matching: sql`
        select m.id from messages m join channels c on c.id = m.channel_id
        where m.deleted_at is null
          and (c.kind = 'public' or c.is_announcements
            ${viewer.channelIds.length > 0 ? sql`or c.id in ${viewer.channelIds}` : sql``})
          ${textMatch("m.search", input)}
          ${input.channelIds ? among("m.channel_id", input.channelIds) : sql``}
          ${byAuthor(parsed, "m.author_id")}
          ${days("m.created_at", parsed)}`,
      candidatesBy: "m.created_at",
      vector: "m.search",
      newest: "m.seq",
      tsquery: input.tsquery,
    });
  },
  ticket: (input) => {
    const { parsed, viewer } = input;
    if (parsed.in) return null;
    return rankedNewest({
      from: "tickets t",
      id: "t.id",
      matching: sql`
        select t.id from tickets t
        where true
          ${viewer.isStaff ? sql`` : sql`and (t.requester_id = ${viewer.id} or (t.shared_with_organisation and t.organisation_id = ${viewer.organisationId}))`}
          ${textMatch("t.search", input)}
          ${byAuthor(parsed, "t.requester_id")}
          ${days("t.created_at", parsed)}`,
      candidatesBy: "t.number",
      vector: "t.search",
      newest: "t.created_at",
      tsquery: input.tsquery,
    });
  },
  post: (input) => {
    const { parsed, viewer } = input;
    return rankedNewest({
      from: "project_posts p",
      id: "p.id",
      matching: sql`
        select p.id from project_posts p join projects pr on pr.id = p.project_id
        where p.removed_at is null
          ${inMyProjects("p.project_id", viewer)} ${inProject(parsed)}
          ${projectVisibility("p.visibility", viewer)}
          ${textMatch("p.search", input)}
          ${byAuthor(parsed, "p.author_id")}
          ${days("p.created_at", parsed)}`,
      candidatesBy: "p.id",
      vector: "p.search",
      newest: "p.created_at",
      tsquery: input.tsquery,
    });
  },
  comment: (input) => {
    const { parsed, viewer } = input;
    return rankedNewest({
      from: "project_comments c",
      id: "c.id",
      matching: sql`
        select c.id from project_comments c join project_posts p on p.id = c.post_id
          join projects pr on pr.id = p.project_id
        where c.removed_at is null and p.removed_at is null
          ${inMyProjects("c.project_id", viewer)} ${inProject(parsed)}
          ${projectVisibility("p.visibility", viewer)}
          ${textMatch("c.search", input)}
          ${byAuthor(parsed, "c.author_id")}
          ${days("c.created_at", parsed)}`,
      candidatesBy: "c.id",
      vector: "c.search",
      newest: "c.created_at",
      tsquery: input.tsquery,
    });
  },
  document: (input) => {
    const { parsed, viewer } = input;
    const current =
      "project_documents d join project_document_versions v on v.document_id = d.id and v.version = d.current_version";
    return rankedNewest({
      from: current,
      id: "d.id",
      matching: sql`
        select d.id from ${sql.raw(current)} join projects pr on pr.id = d.project_id
        where d.removed_at is null
          ${inMyProjects("d.project_id", viewer)} ${inProject(parsed)}
          ${projectVisibility("d.visibility", viewer)}
          ${textMatch("v.search", input)}
          ${byAuthor(parsed, "d.created_by", "v.author_id")}
          ${days("d.updated_at", parsed)}`,
      candidatesBy: "v.id",
      vector: "v.search",
      newest: "d.updated_at",
      tsquery: input.tsquery,
    });
  },
  file: ({ parsed, viewer }) => sql`
    select f.id from project_files f join projects pr on pr.id = f.project_id
    where f.removed_at is null
      ${inMyProjects("f.project_id", viewer)} ${inProject(parsed)}
      ${projectVisibility("f.visibility", viewer)}
      ${namesMatch(parsed, "f.name")}
      ${byAuthor(parsed, "f.created_by")}
      ${days("f.updated_at", parsed)}
    order by f.updated_at desc limit 6`,
  project: (input) =>
    nameOnly(input)
      ? null
      : sql`
    select pr.id from projects pr
    where true ${inMyProjects("pr.id", input.viewer)} ${namesMatch(input.parsed, "pr.name", "pr.purpose")}
    order by pr.name limit 6`,
  topic: (input) => {
    const { parsed, viewer } = input;
    return rankedNewest({
      from: "group_topics t",
      id: "t.id",
      matching: sql`
        select t.id from group_topics t join groups g on g.id = t.group_id
        where t.removed_at is null
          ${readsGroup("t.group_id", viewer)}
          and (exists (select 1 from group_members gm_m where gm_m.group_id = t.group_id and gm_m.user_id = ${viewer.id}
                and gm_m.status = 'active' and gm_m.role in ('owner', 'moderator'))
            or exists (select 1 from group_messages gm_p where gm_p.topic_id = t.id and gm_p.status = 'published')
            or t.author_id = ${viewer.id})
          ${textMatch("t.search", input)}
          ${parsed.in ? sql`and g.handle = ${parsed.in}` : sql``}
          ${byAuthor(parsed, "t.author_id")}
          ${days("t.created_at", parsed)}`,
      candidatesBy: "t.id",
      vector: "t.search",
      newest: "t.last_message_at",
      tsquery: input.tsquery,
    });
  },
  group_message: (input) => {
    const { parsed, viewer } = input;
    return rankedNewest({
      from: "group_messages gm",
      id: "gm.id",
      matching: sql`
        select gm.id from group_messages gm join group_topics t on t.id = gm.topic_id
          join groups g on g.id = gm.group_id
        where gm.status = 'published' and gm.removed_at is null and t.removed_at is null
          ${readsGroup("gm.group_id", viewer)}
          ${textMatch("gm.search", input)}
          ${parsed.in ? sql`and g.handle = ${parsed.in}` : sql``}
          ${byAuthor(parsed, "gm.author_id")}
          ${days("gm.created_at", parsed)}`,
      candidatesBy: "gm.id",
      vector: "gm.search",
      newest: "gm.created_at",
      tsquery: input.tsquery,
    });
  },
  group: (input) =>
    nameOnly(input)
      ? null
      : sql`
    select g.id from groups g
    where (g.visibility = 'listed' or exists (select 1 from group_members gm_s where gm_s.group_id = g.id
        and gm_s.user_id = ${input.viewer.id} and gm_s.status not in ('left', 'removed')))
      ${namesMatch(input.parsed, "g.name", "g.handle", "g.description")}
    order by g.name limit 6`,
  release: ({ parsed, tsquery, viewer }) =>
    parsed.in || parsed.from
      ? null
      : sql`
    select r.id from releases r
    cross join lateral (select to_tsvector('english', r.title || ' ' || r.notes || coalesce((
      select string_agg(' ' || f.title || ' ' || f.description, '' order by f.position)
      from release_features f where f.release_id = r.id), '')) as search) as v
    where true
      ${viewer.isStaff ? sql`` : sql`and r.status = 'published'`}
      ${textMatch("v.search", { parsed, tsquery, viewer, channelIds: null })}
      ${days("(r.release_date::timestamp at time zone 'UTC')", parsed)}
    ${textOrder("v.search", tsquery, "r.release_date")} limit 6`,
  article: (input) =>
    input.parsed.in || input.parsed.from
      ? null
      : rankedNewest({
          from: "knowledge_articles a",
          id: "a.id",
          matching: sql`
        select a.id from knowledge_articles a
        where true
          ${input.viewer.isStaff ? sql`` : sql`and a.status = 'published' and a.audience = 'members'`}
          ${textMatch("a.search", input)}
          ${days("a.updated_at", input.parsed)}`,
          candidatesBy: "a.id",
          vector: "a.search",
          newest: "a.updated_at",
          tsquery: input.tsquery,
        }),
  idea: (input) =>
    input.parsed.in
      ? null
      : rankedNewest({
          from: "ideas i",
          id: "i.id",
          matching: sql`
        select i.id from ideas i
        where true
          ${textMatch("i.search", input)}
          ${byAuthor(input.parsed, "i.author_id")}
          ${days("i.created_at", input.parsed)}`,
          candidatesBy: "i.created_at",
          vector: "i.search",
          newest: "i.created_at",
          tsquery: input.tsquery,
        }),
  channel: (input) =>
    nameOnly(input)
      ? null
      : sql`
    select c.id from channels c
    where c.kind <> 'dm'
      and (c.kind = 'public' or c.is_announcements
        or c.id in (select channel_id from channel_members where user_id = ${input.viewer.id}))
      ${namesMatch(input.parsed, "c.name", "c.slug", "c.topic", "c.description")}
    order by c.name limit 6`,
  person: (input) =>
    nameOnly(input)
      ? null
      : sql`
    select u.id from users u
    where u.status = 'active' ${namesMatch(input.parsed, "u.name", "u.email")}
    order by u.name limit 6`,
};

// ---------------------------------------------------------------------------------------------
// Timing and statement capture

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

type Statement = { text: string; values: unknown[]; ms: number };

/**
 * Records the statements drizzle sends while `capture` runs, with their time, by wrapping the
 * driver's `query` (the pg pool's or PGlite's): what the API did for one request, to EXPLAIN.
 */
function statementRecorder(db: Db) {
  const driver = driverOf({ db } as Parameters<typeof driverOf>[0]) as pg.Pool | PGlite;
  const original = driver.query.bind(driver) as (...args: unknown[]) => Promise<unknown>;
  let recording: Statement[] | null = null;
  (driver as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args) => {
    const list = recording;
    if (!list) return original(...args);
    const [first, second] = args;
    const text = typeof first === "string" ? first : (first as { text: string }).text;
    // drizzle passes the parameters beside the statement (node-postgres: a config object, PGlite: text).
    const values = Array.isArray(second) ? second : ((first as { values?: unknown[] }).values ?? []);
    const start = performance.now();
    const result = await original(...args);
    list.push({ text, values: values as unknown[], ms: performance.now() - start });
    return result;
  };
  return {
    async capture(work: () => Promise<unknown>): Promise<Statement[]> {
      recording = [];
      try {
        await work();
        return recording;
      } finally {
        recording = null;
      }
    },
    async explain(statement: Statement): Promise<string> {
      const text = `explain (analyze, buffers) ${statement.text}`;
      const result = (await original(text, statement.values)) as { rows: Record<string, string>[] };
      return result.rows.map((row) => Object.values(row)[0]).join("\n");
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One database

type Row = {
  query: string;
  role: "customer" | "staff";
  api: number[];
  raw: number[];
  /** Hits the API sent and the floor found (at most 5 per kind, as the API sends). */
  apiHits: number;
  rawHits: number;
  /** Kinds the floor queried: none when no declared kind has a hand-written query for it. */
  rawKinds: number;
  /** Statements one API call sent to the database (session, `from:`, each kind, names). */
  apiStatements: number;
};

type Result = { label: string; rows: Row[]; seededIn: number; corpus: string; notes: string[] };

async function benchDatabase(fresh: Fresh, scale: number): Promise<Result> {
  const { database, label } = fresh;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-bench-"));
  const notes: string[] = [];
  try {
    await database.migrate();
    const config = loadConfig({}, { dataDir, publicUrl: "http://127.0.0.1", logLevel: "silent" });
    const base: Ctx = { db: database.db, config, actor: null, ip: null };
    const demo = await seedDemoCommunity(base);
    const sizes = corpusSizes(scale);
    const progress = await startProgress(`Seeding ${label}`, { step: "" });
    const corpus = await seedSearchCorpus(database.db, demo, sizes, progress);
    progress.stop();
    const items = itemCounts(sizes);
    const corpusLine = `${thousands(items.messages)} messages in ${sizes.channels} channels, ${thousands(items.tickets)} tickets, ${thousands(items.projectAndGroupItems)} project and group items, ${thousands(sizes.people)} people`;

    const app = await buildApp({ database, config });
    await app.ready();
    const recorder = statementRecorder(database.db);
    const viewers = {
      customer: demo.people.northwindMember,
      staff: demo.people.staff,
    } as const;
    const places = {
      customer: await placesOf(database.db, viewers.customer),
      staff: await placesOf(database.db, viewers.staff),
    };
    const cookies = {
      customer: `${SESSION_COOKIE}=${await startSession(database.db, config, { userId: viewers.customer.id, ip: null, userAgent: "bench" })}`,
      staff: `${SESSION_COOKIE}=${await startSession(database.db, config, { userId: viewers.staff.id, ip: null, userAgent: "bench" })}`,
    };
    // The kinds some module declares (the others are not searched by the API, nor by the floor).
    const declared = await declaredKinds(actingAs(base, actorOf(viewers.staff)));
    const missingFloor = declared.filter((kind) => !RAW[kind]);
    if (missingFloor.length > 0)
      notes.push(`${label}: the floor has no hand-written query for ${missingFloor.join(", ")} (API only).`);

    const rows: Row[] = [];
    const chosen = QUERIES.map((query, index) => ({ ...query, n: index + 1 })).filter(
      (query) => !PICKED || PICKED.includes(query.n),
    );
    const measure = await startProgress(`Searching ${label}`, { query: "" });
    let done = 0;
    for (const { q: template, n } of chosen) {
      const q = template.replace("{author}", corpus.prolificAuthor);
      const parsed = parseSearch(q).query;
      for (const role of ["customer", "staff"] as const) {
        measure.update(done++, chosen.length * 2, { query: `${n}. ${q} (${role})` });
        const person = places[role];
        const channelIds = parsed.in
          ? (
              await rowsOf<{ id: string }>(
                database.db,
                sql`select id from channels where slug = ${parsed.in} or lower(name) = ${parsed.in}`,
              )
            ).map((row) => row.id)
          : null;
        const input: RawInput = { parsed, tsquery: tsqueryText(parsed), viewer: person, channelIds };
        const statements = declared
          .filter((kind) => wantsKind(parsed, kind))
          .flatMap((kind) => {
            const statement = RAW[kind]?.(input);
            return statement ? [statement] : [];
          });
        const url = `/api/search?q=${encodeURIComponent(q)}`;
        const api = async () => {
          const response = await app.inject({ method: "GET", url, headers: { cookie: cookies[role] } });
          if (response.statusCode !== 200) throw new Error(`${q}: ${response.statusCode} ${response.body}`);
          return (response.json() as { groups: SearchGroup[] }).groups;
        };
        // As many kinds at once as the engine asks.
        const raw = async () =>
          (
            await eachAtMost(KINDS_AT_ONCE, statements, async (statement) =>
              Math.min(5, (await rowsOf(database.db, statement)).length),
            )
          ).reduce((sum, hits) => sum + hits, 0);
        let apiHits = 0;
        let rawHits = 0;
        for (let round = 0; round < WARMUP; round++) {
          apiHits = (await api()).reduce((sum, group) => sum + group.hits.length, 0);
          rawHits = await raw();
        }
        const captured = (await recorder.capture(api)).sort((a, b) => b.ms - a.ms);
        const row: Row = {
          query: `${n}. ${q}`,
          role,
          api: [],
          raw: [],
          apiHits,
          rawHits,
          rawKinds: statements.length,
          apiStatements: captured.length,
        };
        for (let round = 0; round < ROUNDS; round++) {
          let start = performance.now();
          await api();
          row.api.push(performance.now() - start);
          start = performance.now();
          await raw();
          row.raw.push(performance.now() - start);
        }
        rows.push(row);
        if (EXPLAIN && percentile(row.api, 0.95) > SLOW_MS) {
          const slowest = captured[0];
          if (slowest)
            notes.push(
              `${label} ${row.query} (${role}): ${captured.length} statements (ms: ${captured.map((statement) => `${statement.ms.toFixed(1)} ${statement.text.slice(7, 60).replace(/\s+/g, " ")}`).join("; ")}), the slowest ${slowest.ms.toFixed(1)} ms:\n${slowest.text}\nparameters: ${JSON.stringify(slowest.values)}\n${await recorder.explain(slowest)}`,
            );
        }
      }
    }
    measure.update(done, chosen.length * 2, { query: "done" });
    measure.stop();
    await app.close();
    return { label, rows, seededIn: corpus.seconds, corpus: corpusLine, notes };
  } finally {
    await database.close();
    if (KEEP && fresh.url) console.error(`Kept ${fresh.url} (drop it when done).`);
    else await fresh.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** The projects and groups a person reaches, for the floor to inline. */
async function placesOf(
  db: Db,
  person: { id: string; organisationId: string; isStaff: boolean },
): Promise<Viewer> {
  const ids = (rows: Record<string, unknown>[]) => rows.map((row) => String(Object.values(row)[0]));
  const projectIds = person.isStaff
    ? null
    : ids(
        await rowsOf(
          db,
          sql`select distinct project_id from project_participants where removed_at is null
            and (user_id = ${person.id} or organisation_id = ${person.organisationId})`,
        ),
      );
  const groupIds = ids(
    await rowsOf(
      db,
      sql`select group_id from group_members where user_id = ${person.id} and status = 'active'`,
    ),
  );
  const channelIds = ids(
    await rowsOf(db, sql`select channel_id from channel_members where user_id = ${person.id}`),
  );
  return { ...person, projectIds, groupIds, channelIds };
}

/** Which kinds a module declares: asking one that none does throws. */
async function declaredKinds(ctx: Parameters<typeof findKind>[1]): Promise<SearchKind[]> {
  const search = await prepareSearch(ctx, parseSearch("declared").query, 1, async () => []);
  const declared: SearchKind[] = [];
  for (const kind of searchKinds) {
    try {
      await findKind(kind, ctx, { ...search, authorIds: null });
      declared.push(kind);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("No module declares"))) throw error;
    }
  }
  return declared;
}

// ---------------------------------------------------------------------------------------------
// Run and print

const results: Result[] = [];
const runs = [
  only !== "postgres" && { fresh: freshPglite, scale: SCALE / 10 },
  only !== "pglite" && (only === "postgres" || postgresServer) && { fresh: freshPostgres, scale: SCALE },
];
for (const run of runs) if (run) results.push(await benchDatabase(await run.fresh(), run.scale));

const ms = (value: number) => value.toFixed(1).padStart(8);
for (const result of results) {
  console.log(
    `\nSearch benchmark, ${result.label}: ${result.corpus}; seeded in ${result.seededIn.toFixed(0)} s; ${ROUNDS} runs per query and role after ${WARMUP} warm-up (${os.cpus().length} cores)\n`,
  );
  console.log(
    `${"query".padEnd(58)} ${"as".padEnd(8)} ${"API p50".padStart(8)} ${"API p95".padStart(8)} ${"raw p50".padStart(8)} ${"raw p95".padStart(8)}  x raw  hits API/raw  SQL`,
  );
  const line = (
    name: string,
    role: string,
    api: number[],
    raw: number[] | null,
    hits = "",
    statements = "",
  ) =>
    console.log(
      `${name.slice(0, 58).padEnd(58)} ${role.padEnd(8)} ${ms(percentile(api, 0.5))} ${ms(percentile(api, 0.95))} ${
        raw
          ? `${ms(percentile(raw, 0.5))} ${ms(percentile(raw, 0.95))} ${(percentile(api, 0.5) / percentile(raw, 0.5)).toFixed(1).padStart(6)}`
          : `${"-".padStart(8)} ${"-".padStart(8)} ${"-".padStart(6)}`
      }  ${hits.padEnd(12)} ${statements.padStart(3)}`,
    );
  for (const row of result.rows)
    line(
      row.query,
      row.role,
      row.api,
      row.rawKinds > 0 ? row.raw : null,
      `${row.apiHits}/${row.rawHits}`,
      String(row.apiStatements),
    );
  for (const role of ["customer", "staff"] as const) {
    const every = result.rows.filter((row) => row.role === role);
    if (every.some((row) => row.rawKinds === 0))
      line(
        "all queries",
        role,
        every.flatMap((row) => row.api),
        null,
      );
    // Overall over the queries the floor answers too, so both columns count the same queries.
    const mine = result.rows.filter((row) => row.role === role && row.rawKinds > 0);
    line(
      "all queries with a floor",
      role,
      mine.flatMap((row) => row.api),
      mine.flatMap((row) => row.raw),
    );
  }
}
console.log(
  "\nAPI = GET /api/search through the app (inject) with the person's session; raw = each declared kind's" +
    " query by hand over the same tables, same visibility, ranked the same way, limit 6, as many at once" +
    " as the engine asks; x raw = API p50 / raw p50. hits = what each sent, at most 5 per kind. SQL = statements one" +
    " API call sent (session, from:, each kind and what it looks up).",
);
for (const result of results) for (const note of result.notes) console.log(`\n${note}`);
