/**
 * The corpus the search benchmark (bench/search.ts) searches: people, chat, desk tickets, project
 * boards and documents, groups, written straight into the modules' real tables with set-based
 * `INSERT … SELECT generate_series`, so PostgreSQL fills the generated tsvector columns itself.
 *
 * Text is made of clinical-research sentences picked with a skew (a few sentences are in a large share
 * of the rows: broad words; most are rarer), names of people, numbers, and a few rare terms placed at
 * fixed intervals so that they exist at every scale. Every choice is a hash of the row number, so two
 * runs at the same scale write the same text.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../src/server/db/client.js";
import type { DemoCommunity } from "../src/server/demo/seed.js";
import type { Progress } from "../src/server/platform/progress.js";
import { thousands } from "./support.js";

/** How many of each thing; `corpusSizes(1)` is the PostgreSQL benchmark, `corpusSizes(0.1)` PGlite's. */
export type CorpusSizes = {
  people: number;
  channels: number;
  messages: number;
  tickets: number;
  projects: number;
  posts: number;
  comments: number;
  documents: number;
  /** Versions per document: the newest is the current one. */
  versions: number;
  files: number;
  groups: number;
  topics: number;
  groupMessages: number;
};

export function corpusSizes(scale: number): CorpusSizes {
  const of = (n: number, least: number) => Math.max(least, Math.round(n * scale));
  return {
    people: of(5_000, 500),
    channels: of(200, 30),
    messages: of(1_000_000, 1_000),
    tickets: of(100_000, 100),
    projects: of(60, 12),
    posts: of(30_000, 30),
    comments: of(80_000, 80),
    documents: of(6_000, 6),
    versions: 4,
    files: of(6_000, 6),
    groups: of(40, 10),
    topics: of(10_000, 10),
    groupMessages: of(50_000, 50),
  };
}

/** The items a size asks for, counted as the brief counts them (project and group items together). */
export const itemCounts = (s: CorpusSizes) => ({
  messages: s.messages,
  tickets: s.tickets,
  projectAndGroupItems:
    s.posts + s.comments + s.documents * s.versions + s.files + s.topics + s.groupMessages,
});

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Sentences, the most frequent first (they are picked with a skew towards the start). */
const SENTENCES = [
  "Dosing for the next cohort starts on Monday at the ward",
  "Please check the visit schedule before the screening day",
  "Can someone review the protocol section on sampling before Friday",
  "Screening visit moved to Thursday morning for the new volunteers",
  "The randomisation list is ready for the pharmacy",
  "Adverse event reported on the ward this morning, the investigator is informed",
  "Plasma samples shipped to the central laboratory on dry ice",
  "Baseline ECG looked normal for the first volunteers",
  "Export of the enrolment report fails again with a timeout",
  "Consent form version three approved by the ethics committee",
  "Dose escalation meeting moved to next week",
  "Pharmacy dispensed the placebo kits for period two",
  "Protocol amendment draft is ready for comments",
  "Washout period of fourteen days before the crossover",
  "Sandbox login works again after the release",
  "Database lock planned for the end of the month",
  "Inclusion criteria need another look for the healthy volunteers",
  "Vital signs were taken at every timepoint",
  "The monitor visit confirmed the source data verification",
  "Fasting volunteers get breakfast after the four hour sample",
  "The safety review committee signed off the cohort escalation",
  "Pharmacokinetic sampling windows were tight today",
  "Query resolution is behind on the case report forms",
  "A serious adverse event needs expedited reporting to the sponsor",
  "The sponsor asked for the interim analysis tables",
  "Discharge of the volunteers happens after the last blood draw",
  "Randomised subjects keep their allocation after withdrawal",
  "The investigator brochure was updated last month",
  "Lab kit expiry dates are close for site two",
  "Protocol deviation logged for a late dose",
  "The ward nurses asked about the meal schedule",
  "Retention payments for volunteers are processed on Fridays",
  "The unblinding procedure was rehearsed in the sandbox",
  "Telemetry alarms during the night shift were false positives",
  "Audit trail export works in the new release",
  "The recruitment campaign brought forty new volunteers",
  "An emergency unblinding request came from the ward",
  "The bioanalytical lab returned the concentration data",
  "Cannula problems delayed the predose sample",
  "The pharmacy fridge had a temperature excursion overnight, documented and reported",
];

const FIRST_NAMES = [
  "Amara",
  "Ben",
  "Chiara",
  "Dmitri",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemi",
  "Lars",
  "Maya",
  "Nikhil",
  "Olga",
  "Pedro",
  "Quinn",
  "Rosa",
  "Sven",
  "Tariq",
  "Uma",
  "Viktor",
  "Wen",
  "Ximena",
  "Yusuf",
  "Zoe",
  "Anna",
  "Mark",
  "Sara",
  "Tom",
];

/** Okonkwo is not here: a few people carry it (every 400th), so a search for it is selective. */
const LAST_NAMES = [
  "Smith",
  "Jones",
  "Muller",
  "Rossi",
  "Garcia",
  "Nguyen",
  "Kowalski",
  "Haddad",
  "Tanaka",
  "Silva",
  "Novak",
  "Johansson",
  "Dubois",
  "Costa",
  "Petrov",
  "Kim",
  "Patel",
  "Okafor",
  "Andersen",
  "Moreau",
  "Fischer",
  "Byrne",
  "Lindqvist",
  "Bianchi",
  "Sato",
  "Hughes",
  "Becker",
  "Romero",
  "Horvat",
  "Meyer",
];

/** The first channels by handle, the busiest first; the rest are `team-<n>`. */
const NAMED_CHANNELS: { slug: string; kind: "public" | "private" }[] = [
  { slug: "general", kind: "public" },
  { slug: "pharmacy", kind: "public" },
  { slug: "dosing", kind: "public" },
  { slug: "screening", kind: "public" },
  { slug: "safety-review", kind: "private" },
  { slug: "recruitment", kind: "public" },
  { slug: "data-management", kind: "public" },
  { slug: "ward-a", kind: "private" },
  { slug: "lab", kind: "public" },
  { slug: "regulatory", kind: "private" },
  { slug: "sandbox-help", kind: "public" },
  { slug: "monitoring", kind: "public" },
  { slug: "sponsor-liaison", kind: "private" },
  { slug: "nursing", kind: "public" },
  { slug: "statistics", kind: "public" },
];

const ORGANISATIONS = [
  "Helix Trials",
  "Meridian CRO",
  "Aurora Clinical Pharmacology",
  "Baltic Research Unit",
  "Kestrel Biometrics",
  "Saltire Phase I",
];

const FILE_STEMS = [
  "visit-schedule",
  "randomisation-list",
  "consent-form",
  "lab-manual",
  "protocol",
  "pk-sampling-plan",
  "sae-report",
  "dose-escalation-minutes",
  "pharmacy-manual",
  "monitoring-plan",
];

const GROUP_NAMES = [
  "Phase I Units",
  "Pharmacy Leads",
  "Data Managers",
  "Study Nurses",
  "Recruitment Network",
  "Bioanalysis Forum",
  "Quality Assurance",
  "Sandbox Users",
];

/** The rows of a raw statement: both drivers answer raw SQL with `rows`. */
export async function rowsOf<T>(db: Db, statement: SQL): Promise<T[]> {
  return ((await db.execute(statement)) as unknown as { rows: T[] }).rows;
}

/** A text[] literal of constants written here (quotes doubled), for the seeding statements. */
const textArray = (values: readonly string[]) =>
  sql.raw(`array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]::text[]`);

const sentences = textArray(SENTENCES);
const firstNames = textArray(FIRST_NAMES);
const lastNames = textArray(LAST_NAMES);

/** The last day of the corpus; rows are spread evenly over the two years before it. */
export const CORPUS_END = "2026-12-01T00:00:00Z";
const SPAN_DAYS = 730;

/** When row `i` of `n` was written: evenly over the span, the last row at its end. */
const at = (i: SQL, n: number) =>
  sql`(${CORPUS_END}::timestamptz - ((${n}::int - ${i}) * ${(SPAN_DAYS * 86_400) / n}::float8) * interval '1 second')`;

/** A number in [0, 1) from a row number and a salt: the same in every run. */
const u = (i: SQL, salt: number) => sql`bench_u(${i}, ${salt})`;
/** An element of an array, the first ones more often as `skew` grows (1: uniform). */
const pick = (array: SQL, i: SQL, salt: number, skew = 1) =>
  sql`bench_pick(${array}, ${u(i, salt)}, ${skew})`;

/**
 * Text of row `i`: `count` sentences, now and then a person's name, a subject number, and the rare
 * terms at fixed intervals (xerostomia in one row in 40,000, bradycardia in one in 2,000,
 * hepatotoxicity in one in 10,000), so the rare words exist at every scale.
 */
function prose(i: SQL, salt: number, count: number): SQL {
  const parts = Array.from({ length: count }, (_, k) => pick(sentences, i, salt + k, 2.2));
  return sql`(${sql.join(parts, sql` || '. ' || `)} || '.'
    || case when ${i} % 7 = 0 then ' Subject ' || (1000 + ${i} % 4000) || ' is next.' else '' end
    || case when ${i} % 23 = 0 then ' Ask ' || ${pick(firstNames, i, salt + 11)} || ' ' || (case when ${i} % 1300 = 0 then 'Okonkwo' else ${pick(lastNames, i, salt + 12)} end) || ' about it.' else '' end
    || case when ${i} % 2000 = 3 then ' Mild bradycardia noted at the second timepoint.' else '' end
    || case when ${i} % 10000 = 5 then ' Possible hepatotoxicity flagged by the laboratory.' else '' end
    || case when ${i} % 40000 = 17 then ' One volunteer reported xerostomia after dosing.' else '' end)`;
}

/** A short line (a subject, a title): one sentence. */
const line = (i: SQL, salt: number) => pick(sentences, i, salt, 1.6);

// ---------------------------------------------------------------------------------------------
// Seeding

export type Corpus = {
  sizes: CorpusSizes;
  /** A prolific bench author (their address), for `from:`. */
  prolificAuthor: string;
  seconds: number;
  /** Rows in the main tables after seeding. */
  rows: Record<string, number>;
};

type Step = { name: string; rows: number; run: (from: number, to: number) => Promise<unknown> };

/**
 * Writes the corpus around the demo community: the demo customer (Ned Member, Northwind) is in a
 * quarter of the private channels, some groups and Northwind takes part in a quarter of the projects;
 * the demo staff member (Sam Staff) is in a third of the private channels.
 */
export async function seedSearchCorpus(
  db: Db,
  demo: DemoCommunity,
  sizes: CorpusSizes,
  progress: Progress,
): Promise<Corpus> {
  const started = performance.now();
  const run = (statement: SQL) => db.execute(statement);
  await run(sql`create or replace function bench_u(i bigint, salt int) returns float8
    language sql immutable parallel safe
    as $$ select (abs(hashint8(i * 1009 + salt)::bigint) % 1000003)::float8 / 1000003 $$`);
  // Ids as the app writes them (UUIDv7: the time first), so a table's newest rows sit together in its
  // primary key as they do in production.
  await run(sql`create or replace function bench_id(at timestamptz, i bigint, salt int) returns uuid
    language sql immutable parallel safe
    as $$ select (lpad(to_hex((extract(epoch from at) * 1000)::bigint), 12, '0') || '7'
      || substr(md5(i::text || ':' || salt), 1, 3) || '8' || substr(md5(i::text || ':' || salt), 4, 15))::uuid $$`);
  await run(sql`create or replace function bench_pick(arr anyarray, u float8, skew float8) returns anyelement
    language sql immutable parallel safe
    as $$ select arr[1 + floor(cardinality(arr) * power(u, skew))::int] $$`);

  const customer = demo.people.northwindMember;
  const staff = demo.people.staff;
  // Typed, since a parameter in a UNION's select list would be text.
  const customerId = sql`${customer.id}::uuid`;
  const staffId = sql`${staff.id}::uuid`;
  const northwind = sql`${demo.organisations.northwind.id}::uuid`;
  const vendor = sql`${demo.organisations.vendor.id}::uuid`;
  const s = sizes;
  const i = sql.raw("i");

  // The indexes of the text columns are built once after the rows, not row by row.
  const textIndexes = await dropTextIndexes(db);

  const steps: Step[] = [
    {
      name: "people",
      rows: s.people,
      run: async (from, to) => {
        if (from === 1) {
          await run(sql`insert into organisations (id, name, kind)
            select gen_random_uuid(), name, 'customer' from unnest(${textArray(ORGANISATIONS)}) as name`);
          await run(sql`insert into organisation_domains (domain, organisation_id)
            select lower(replace(name, ' ', '-')) || '.example', id from organisations
            where name = any(${textArray(ORGANISATIONS)})`);
        }
        // One in 30 is on the product team; the others are spread over the customer organisations.
        await run(sql`
          with orgs as (
            select array_agg(o.id order by o.name) as ids, array_agg(d.domain order by o.name) as domains
            from organisations o join organisation_domains d on d.organisation_id = o.id
            where o.kind <> 'vendor'),
          vendor as (select ${vendor} as id, 'vendor.example' as domain)
          insert into users (id, email, name, password_hash, organisation_id, is_staff, created_at)
          select bench_id(${at(i, s.people)}, ${i}, 0),
            lower(n.first) || '.' || lower(n.last) || '.' || ${i} || '@' || o.domain,
            n.first || ' ' || n.last, 'unused', o.id, ${i} % 30 = 0, ${at(i, s.people)}
          from generate_series(${from}::int, ${to}::int) as i
          cross join orgs cross join vendor
          cross join lateral (select ${pick(firstNames, i, 1)} as first,
            case when ${i} % 400 = 7 then 'Okonkwo' else ${pick(lastNames, i, 2)} end as last) as n
          cross join lateral (select case when ${i} % 30 = 0 then vendor.id
              else orgs.ids[1 + floor(${u(i, 3)} * cardinality(orgs.ids))::int] end as id,
            case when ${i} % 30 = 0 then vendor.domain
              else orgs.domains[1 + floor(${u(i, 3)} * cardinality(orgs.ids))::int] end as domain) as o`);
      },
    },
    {
      name: "channels",
      rows: s.channels,
      run: async () => {
        const dms = Math.max(3, Math.round(s.channels * 0.03));
        const named = NAMED_CHANNELS.slice(0, s.channels - dms);
        await run(sql`insert into channels (id, slug, name, kind, topic, created_at)
          select gen_random_uuid(), c.slug, c.slug, c.kind, ${line(sql`c.n`, 4)}, ${CORPUS_END}::timestamptz - interval '800 days' + c.n * interval '1 minute'
          from unnest(${textArray(named.map((c) => c.slug))}, ${textArray(named.map((c) => c.kind))})
            with ordinality as c(slug, kind, n)
          on conflict (slug) do nothing`);
        await run(sql`insert into channels (id, slug, name, kind, topic, created_at)
          select gen_random_uuid(), 'team-' || n, 'team-' || n, case when n % 4 = 0 then 'private' else 'public' end,
            ${line(sql`n`, 5)}, ${CORPUS_END}::timestamptz - interval '800 days' + n * interval '1 minute'
          from generate_series(${named.length + 1}::int, ${s.channels - dms}::int) as n`);
        // Direct messages: the customer with someone, and strangers with each other.
        await run(sql`
          with people as (select array_agg(id order by created_at) as ids from users)
          insert into channels (id, name, kind, dm_key, created_at)
          select gen_random_uuid(), 'direct message', 'dm',
            least(a, b)::text || ':' || greatest(a, b)::text,
            ${CORPUS_END}::timestamptz - interval '800 days' + n * interval '1 minute'
          from generate_series(1, ${dms}::int) as n cross join people
          cross join lateral (select case when n % 2 = 1 then ${customerId} else people.ids[n * 7] end as a,
            people.ids[n * 13 + 1] as b) as pair`);
        await run(sql`insert into channel_members (channel_id, user_id)
          select id, unnest(string_to_array(dm_key, ':'))::uuid from channels c where kind = 'dm'
            and not exists (select from channel_members m where m.channel_id = c.id)`);
        // Private channels: ~2% of the community each; the customer in a quarter, staff in a third.
        await run(sql`
          with private as (select id, row_number() over (order by created_at) as n from channels where kind = 'private'),
          people as (select id, row_number() over (order by created_at) as n from users where id not in (${customerId}, ${staffId}))
          insert into channel_members (channel_id, user_id)
          select private.id, people.id from private cross join people
          where bench_u(private.n * 100003 + people.n, 6) < 0.02
          union all select id, ${customerId} from private where n % 4 = 1
          union all select id, ${staffId} from private where n % 3 = 1
          on conflict do nothing`);
        // Some members of public channels too (membership does not change what they may read there).
        await run(sql`
          insert into channel_members (channel_id, user_id)
          select id, ${customerId} from channels where kind = 'public' and slug in ('general', 'pharmacy', 'dosing')
          on conflict do nothing`);
      },
    },
    {
      name: "chat messages",
      rows: s.messages,
      run: (from, to) =>
        // The first channels are the busiest; a few people write much more than others.
        run(sql`
          with chans as (select array_agg(id order by created_at) as ids from channels),
          people as (select array_agg(id order by created_at) as ids from users)
          insert into messages (id, channel_id, author_id, client_id, body, deleted_at, created_at)
          select bench_id(${at(i, s.messages)}, ${i}, 0),
            ${pick(sql`chans.ids`, i, 7, 2)},
            ${pick(sql`people.ids`, i, 8, 1.6)},
            'bench-' || ${i},
            ${prose(i, 20, 2)},
            case when ${i} % 100 = 42 then ${at(i, s.messages)} + interval '1 hour' end,
            ${at(i, s.messages)}
          from generate_series(${from}::int, ${to}::int) as i cross join chans cross join people`),
    },
    {
      name: "desk tickets",
      rows: s.tickets,
      run: async (from, to) => {
        // Requesters are customers; the demo customer asked one ticket in 250. 40% are shared.
        await run(sql`
          with people as (
            select array_agg(id order by created_at) as ids, array_agg(name order by created_at) as names,
              array_agg(email order by created_at) as emails, array_agg(organisation_id order by created_at) as orgs
            from users where not is_staff and id <> ${customerId})
          insert into tickets (id, type, subject, description, status, requester_id, requester_name,
            requester_email, organisation_id, shared_with_organisation, created_at, updated_at)
          select bench_id(${at(i, s.tickets)}, ${i}, 0),
            ${pick(textArray(["support_question", "dev_environment_question", "product_feedback"]), i, 30)},
            ${line(i, 31)},
            ${prose(i, 32, 3)},
            ${pick(textArray(["closed", "resolved", "open", "waiting_on_customer", "new"]), i, 33, 1.5)},
            r.id, r.name, r.email, r.org,
            ${u(i, 34)} < 0.4,
            ${at(i, s.tickets)}, ${at(i, s.tickets)} + interval '2 days'
          from generate_series(${from}::int, ${to}::int) as i cross join people
          cross join lateral (select k, people.ids[k] as id, people.names[k] as name, people.emails[k] as email,
              people.orgs[k] as org
            from (select 1 + floor(${u(i, 35)} * cardinality(people.ids))::int as k) as pick) as r
          where ${i} % 250 <> 0
          union all
          select bench_id(${at(i, s.tickets)}, ${i}, 0), 'support_question', ${line(i, 31)}, ${prose(i, 32, 3)}, 'open',
            ${customerId}, ${customer.name}, ${customer.email}, ${northwind}, ${u(i, 34)} < 0.4,
            ${at(i, s.tickets)}, ${at(i, s.tickets)} + interval '2 days'
          from generate_series(${from}::int, ${to}::int) as i where ${i} % 250 = 0`);
      },
    },
    {
      name: "projects",
      rows: s.projects,
      run: async () => {
        await run(sql`insert into projects (id, name, purpose, starts_on, created_by, created_at)
          select gen_random_uuid(),
            ${pick(textArray(["Oncology", "Cardiology", "Vaccine", "Renal", "Hepatic", "Paediatric", "Bioequivalence"]), sql`n`, 40)}
              || ' first-in-human ' || n,
            ${line(sql`n`, 41)}, date '2024-11-01' + n, ${staffId}, ${CORPUS_END}::timestamptz - interval '760 days' + n * interval '1 hour'
          from generate_series(1, ${s.projects}::int) as n`);
        // Each project: two or three organisations (Northwind in a quarter) and a few people in person.
        await run(sql`
          with p as (select id, row_number() over (order by created_at) as n from projects),
          orgs as (select array_agg(id order by name) as ids from organisations where kind <> 'vendor' and id <> ${northwind})
          insert into project_participants (id, project_id, organisation_id, added_by)
          select gen_random_uuid(), p.id, o.id, ${staffId} from p cross join orgs
          cross join lateral (select distinct unnest(array[orgs.ids[1 + p.n % cardinality(orgs.ids)],
              orgs.ids[1 + (p.n * 7 + 3) % cardinality(orgs.ids)]]) as id) as o
          union all select gen_random_uuid(), p.id, ${northwind}, ${staffId} from p where p.n % 4 = 1
          on conflict do nothing`);
        await run(sql`
          with p as (select id, row_number() over (order by created_at) as n from projects),
          people as (select array_agg(id order by created_at) as ids from users where organisation_id <> ${northwind})
          insert into project_participants (id, project_id, user_id, added_by)
          select distinct on (p.id, people.ids[1 + (p.n * 31 + k * 97) % cardinality(people.ids)])
            gen_random_uuid(), p.id, people.ids[1 + (p.n * 31 + k * 97) % cardinality(people.ids)], ${staffId}
          from p cross join people cross join generate_series(1, 4) as k
          on conflict do nothing`);
      },
    },
    {
      name: "project posts",
      rows: s.posts,
      run: (from, to) =>
        // One in ten is for the product team only.
        run(sql`
          with p as (select array_agg(id order by created_at) as ids from projects),
          people as (select array_agg(id order by created_at) as ids from users)
          insert into project_posts (id, project_id, category, title, body, visibility, author_id, created_at)
          select bench_id(${at(i, s.posts)}, ${i}, 0), ${pick(sql`p.ids`, i, 50, 1.3)},
            ${pick(textArray(["question", "fyi", "decision", "announcement"]), i, 51, 1.5)},
            ${line(i, 52)}, ${prose(i, 53, 4)},
            case when ${u(i, 54)} < 0.1 then 'staff' else 'project' end,
            ${pick(sql`people.ids`, i, 55, 1.4)}, ${at(i, s.posts)}
          from generate_series(${from}::int, ${to}::int) as i cross join p cross join people`),
    },
    {
      name: "project comments",
      rows: s.comments,
      run: (from, to) =>
        run(sql`
          with posts as (select array_agg(id order by created_at) as ids from project_posts),
          people as (select array_agg(id order by created_at) as ids from users)
          insert into project_comments (id, post_id, project_id, body, author_id, created_at)
          select c.id, c.post_id, post.project_id, c.body, c.author_id, c.created_at
          from (
            select bench_id(${at(i, s.comments)}, ${i}, 0) as id, ${pick(sql`posts.ids`, i, 60, 0.7)} as post_id,
              ${prose(i, 61, 2)} as body, ${pick(sql`people.ids`, i, 62, 1.4)} as author_id,
              ${at(i, s.comments)} as created_at
            from generate_series(${from}::int, ${to}::int) as i cross join posts cross join people
            -- Kept apart (never pulled up into the join): flattened, the join carried every post's
            -- id array along with each row, and at ten times the size its hash spilled gigabytes.
            offset 0
          ) c join project_posts post on post.id = c.post_id`),
    },
    {
      name: "project documents",
      rows: s.documents * s.versions,
      run: async (from, to) => {
        // Ranges of documents, each written with all its versions (the newest current).
        const first = Math.floor((from - 1) / s.versions) + 1;
        const last = Math.floor(to / s.versions);
        await run(sql`
          with p as (select array_agg(id order by created_at) as ids from projects),
          people as (select array_agg(id order by created_at) as ids from users),
          source as materialized (
            select ${i} as i, bench_id(${at(i, s.documents)} - interval '30 days', ${i}, 0) as id, ${pick(sql`p.ids`, i, 70, 1.3)} as project_id,
              ${pick(textArray(FILE_STEMS), i, 71)} || ' ' || ${i} as title,
              case when ${u(i, 72)} < 0.1 then 'staff' else 'project' end as visibility,
              ${pick(sql`people.ids`, i, 73, 1.4)} as author_id, ${at(i, s.documents)} as updated_at
            from generate_series(${first}::int, ${last}::int) as i cross join p cross join people),
          documents as (
            insert into project_documents (id, project_id, title, visibility, current_version, created_by,
              created_at, updated_at)
            select id, project_id, title, visibility, ${s.versions}, author_id, updated_at - interval '30 days',
              updated_at
            from source)
          insert into project_document_versions (id, document_id, version, title, body, author_id, created_at)
          select bench_id(d.updated_at - (${s.versions} - v) * interval '7 days', d.i * 10 + v, 1), d.id, v, d.title, ${prose(sql`((d.i - 1) * ${s.versions} + v)`, 74, 2)},
            d.author_id, d.updated_at - (${s.versions} - v) * interval '7 days'
          from source d cross join generate_series(1, ${s.versions}::int) as v`);
      },
    },
    {
      name: "project files",
      rows: s.files,
      run: (from, to) =>
        run(sql`
          with p as (select array_agg(id order by created_at) as ids from projects),
          people as (select array_agg(id order by created_at) as ids from users),
          files as (
            insert into project_files (id, project_id, name, visibility, created_by, created_at, updated_at)
            select bench_id(${at(i, s.files)}, ${i}, 0), ${pick(sql`p.ids`, i, 80, 1.3)},
              ${pick(textArray(FILE_STEMS), i, 81)} || '-v' || ${i} || ${pick(textArray([".pdf", ".xlsx", ".docx", ".csv"]), i, 82)},
              case when ${u(i, 83)} < 0.1 then 'staff' else 'project' end,
              ${pick(sql`people.ids`, i, 84, 1.4)}, ${at(i, s.files)}, ${at(i, s.files)}
            from generate_series(${from}::int, ${to}::int) as i cross join p cross join people
            returning id, created_by, created_at)
          insert into project_file_versions (id, project_file_id, version, file_id, uploaded_by, created_at)
          select gen_random_uuid(), id, 1, gen_random_uuid(), created_by, created_at from files`),
    },
    {
      name: "groups",
      rows: s.groups,
      run: async () => {
        await run(sql`insert into groups (id, handle, name, description, created_by, created_at)
          select gen_random_uuid(), 'group-' || n, ${pick(textArray(GROUP_NAMES), sql`n`, 90)} || ' ' || n,
            ${line(sql`n`, 91)}, ${staffId}, ${CORPUS_END}::timestamptz - interval '760 days' + n * interval '1 hour'
          from generate_series(1, ${s.groups}::int) as n`);
        // ~4% of the community in each group; the customer an active member of one in five.
        await run(sql`
          with g as (select id, row_number() over (order by created_at) as n from groups),
          people as (select id, row_number() over (order by created_at) as n from users where id <> ${customerId})
          insert into group_members (group_id, user_id, role, status, joined_at)
          select g.id, people.id, 'member', case when bench_u(g.n * 100003 + people.n, 93) < 0.05 then 'left' else 'active' end,
            ${CORPUS_END}::timestamptz - interval '700 days'
          from g cross join people where bench_u(g.n * 100003 + people.n, 92) < 0.04
          union all select g.id, ${customerId}, 'member', 'active', ${CORPUS_END}::timestamptz - interval '700 days'
          from g where g.n % 5 = 1
          on conflict do nothing`);
      },
    },
    {
      name: "group topics",
      rows: s.topics,
      run: (from, to) =>
        run(sql`
          with g as (select array_agg(id order by created_at) as ids from groups),
          people as (select array_agg(id order by created_at) as ids from users)
          insert into group_topics (id, group_id, subject, author_id, created_at, last_message_at, removed_at)
          select bench_id(${at(i, s.topics)}, ${i}, 0), ${pick(sql`g.ids`, i, 100, 1.5)}, ${line(i, 101)},
            ${pick(sql`people.ids`, i, 102, 1.4)}, ${at(i, s.topics)}, ${at(i, s.topics)} + interval '3 days',
            case when ${i} % 50 = 9 then ${at(i, s.topics)} + interval '1 day' end
          from generate_series(${from}::int, ${to}::int) as i cross join g cross join people`),
    },
    {
      name: "group messages",
      rows: s.groupMessages,
      run: (from, to) =>
        // Topics are picked with a skew (long threads); one in 40 is waiting for a moderator.
        run(sql`
          with t as (select array_agg(id order by created_at) as ids, array_agg(group_id order by created_at) as groups
            from group_topics),
          people as (select array_agg(id order by created_at) as ids from users)
          insert into group_messages (id, group_id, topic_id, author_id, body, status, created_at)
          select bench_id(${at(i, s.groupMessages)}, ${i}, 0), t.groups[k], t.ids[k], ${pick(sql`people.ids`, i, 111, 1.4)},
            ${prose(i, 112, 3)}, case when ${i} % 40 = 11 then 'pending' else 'published' end, ${at(i, s.groupMessages)}
          from generate_series(${from}::int, ${to}::int) as i cross join t cross join people
          cross join lateral (select 1 + floor(power(${u(i, 110)}, 1.3) * cardinality(t.ids))::int as k) as pick`),
    },
  ];

  const total = steps.reduce((sum, step) => sum + step.rows, 0) + textIndexes.length;
  let done = 0;
  const BATCH = 50_000;
  for (const step of steps) {
    // Documents are written in whole documents (all versions at once).
    const batch = step.name === "project documents" ? BATCH - (BATCH % s.versions) : BATCH;
    for (let from = 1; from <= step.rows; from += batch) {
      const to = Math.min(step.rows, from + batch - 1);
      progress.update(done, total, { step: `${step.name} ${thousands(to)}/${thousands(step.rows)}` });
      await step.run(from, to);
      done += to - from + 1;
    }
  }
  for (const index of textIndexes) {
    progress.update(done, total, { step: `index ${index.name}` });
    await run(sql.raw(index.definition));
    done += 1;
  }
  progress.update(done, total, { step: "analyze" });
  await run(sql`drop function bench_pick(anyarray, float8, float8)`);
  await run(sql`drop function bench_id(timestamptz, bigint, int)`);
  await run(sql`drop function bench_u(bigint, int)`);
  await run(sql`analyze`);
  progress.update(total, total, { step: "done" });

  const [author] = await rowsOf<{ email: string }>(
    db,
    sql`select u.email from messages m join users u on u.id = m.author_id
      where u.email like '%.%.%@%' group by u.email order by count(*) desc limit 1`,
  );
  const rows: Record<string, number> = {};
  for (const table of [
    "users",
    "channels",
    "messages",
    "tickets",
    "project_posts",
    "project_comments",
    "project_document_versions",
    "project_files",
    "group_topics",
    "group_messages",
  ]) {
    const [count] = await rowsOf<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.identifier(table)}`,
    );
    rows[table] = count?.n ?? 0;
  }
  return {
    sizes,
    prolificAuthor: author?.email ?? customer.email,
    seconds: (performance.now() - started) / 1000,
    rows,
  };
}

/**
 * Drops the GIN (text) indexes of the tables the corpus fills and answers their definitions, so
 * they are built once over all rows after seeding instead of row by row. Read from the catalogue,
 * so indexes that migrations add later are rebuilt too.
 */
async function dropTextIndexes(db: Db): Promise<{ name: string; definition: string }[]> {
  const indexes = await rowsOf<{ name: string; definition: string }>(
    db,
    sql`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = current_schema() and indexdef ilike '% using gin %'
        and tablename in ('messages', 'tickets', 'project_posts', 'project_comments', 'project_documents',
          'project_document_versions', 'project_files', 'group_topics', 'group_messages', 'users', 'channels',
          'projects', 'groups')`,
  );
  for (const index of indexes) await db.execute(sql`drop index ${sql.identifier(index.name)}`);
  return indexes;
}
