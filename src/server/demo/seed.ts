import { count } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organisations } from "../db/schema.js";
import { createOrganisation } from "../modules/accounts/organisations.js";
import type { OrganisationKind } from "../modules/accounts/schema.js";
import { actorOf, createUser } from "../modules/accounts/users.js";
import { seedDemoChat } from "../modules/chat/demo.js";
import { ensureAnnouncementsChannel } from "../modules/chat/index.js";
import { submitAccessRequest } from "../modules/desk/access-requests.js";
import { seedDemoMacros, seedDemoServiceLevels, seedDemoTicketForms } from "../modules/desk/demo.js";
import { addComment, openTicket } from "../modules/desk/tickets.js";
import { seedDemoGroups } from "../modules/groups/demo.js";
import { seedDemoIdeas } from "../modules/ideas/demo.js";
import { seedDemoKnowledge } from "../modules/knowledge/demo.js";
import { seedDemoPharmacy } from "../modules/pharmacy/demo.js";
import { seedDemoProjects } from "../modules/projects/demo.js";
import { seedDemoReleases } from "../modules/releases/demo.js";
import { seedDemoSandbox } from "../modules/sandbox/demo.js";
import type { Ctx } from "../platform/context.js";
import { actingAs, inTransaction } from "../platform/context.js";

export const DEMO_PASSWORD = "convene-demo";

const demoOrganisations = [
  { key: "vendor", name: "Product Team", kind: "vendor", domains: ["vendor.example"] },
  { key: "northwind", name: "Northwind Research Unit", kind: "customer", domains: ["northwind.example"] },
  { key: "contoso", name: "Contoso Clinical", kind: "customer", domains: ["contoso.example"] },
  { key: "fabrikam", name: "Fabrikam Labs", kind: "partner", domains: ["fabrikam.example"] },
] as const satisfies readonly { key: string; name: string; kind: OrganisationKind; domains: string[] }[];

type OrganisationKey = (typeof demoOrganisations)[number]["key"];

export const demoPeople = [
  {
    key: "staff",
    email: "staff@vendor.example",
    name: "Sam Staff",
    organisation: "vendor",
    isStaff: true,
    isOrgAdmin: false,
  },
  {
    key: "northwindAdmin",
    email: "admin@northwind.example",
    name: "Nora Admin",
    organisation: "northwind",
    isStaff: false,
    isOrgAdmin: true,
  },
  {
    key: "northwindMember",
    email: "member@northwind.example",
    name: "Ned Member",
    organisation: "northwind",
    isStaff: false,
    isOrgAdmin: false,
  },
  {
    key: "northwindPharmacist",
    email: "pharmacist@northwind.example",
    name: "Pia Pharmacist",
    organisation: "northwind",
    isStaff: false,
    isOrgAdmin: false,
  },
  {
    key: "contosoMember",
    email: "member@contoso.example",
    name: "Cora Member",
    organisation: "contoso",
    isStaff: false,
    isOrgAdmin: false,
  },
  {
    key: "fabrikamDev",
    email: "dev@fabrikam.example",
    name: "Fay Developer",
    organisation: "fabrikam",
    isStaff: false,
    isOrgAdmin: false,
  },
] as const satisfies readonly {
  key: string;
  email: string;
  name: string;
  organisation: OrganisationKey;
  isStaff: boolean;
  isOrgAdmin: boolean;
}[];

type PersonKey = (typeof demoPeople)[number]["key"];
type UserRow = Awaited<ReturnType<typeof createUser>>;

export type DemoCommunity = {
  organisations: Record<OrganisationKey, { id: string; name: string; domains: string[] }>;
  people: Record<PersonKey, UserRow>;
};

export type SeedProgress = (done: number, total: number, step: string) => void;

export async function isSeeded(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(organisations);
  return (row?.n ?? 0) > 0;
}

/**
 * The demo community: the organisations and people the README lists, a shared support ticket with a
 * reply, and a pending access request. Tests build their data with the same function.
 */
export async function seedDemoCommunity(
  ctx: Ctx,
  onProgress: SeedProgress = () => {},
): Promise<DemoCommunity> {
  const total = demoOrganisations.length + demoPeople.length + 9;
  let done = 0;
  const step = (label: string) => onProgress(++done, total, label);

  return inTransaction(ctx, async (tx) => {
    await ensureAnnouncementsChannel(tx.db);
    const orgs = {} as DemoCommunity["organisations"];
    for (const { key, ...input } of demoOrganisations) {
      orgs[key] = await createOrganisation(tx, { ...input, domains: [...input.domains] });
      step(`organisation ${input.name}`);
    }
    const people = {} as DemoCommunity["people"];
    for (const { key, organisation, ...input } of demoPeople) {
      people[key] = await createUser(tx, {
        ...input,
        password: DEMO_PASSWORD,
        organisationId: orgs[organisation].id,
      });
      step(`person ${input.email}`);
    }

    const ticket = await openTicket(actingAs(tx, actorOf(people.northwindMember)), {
      type: "dev_environment_question",
      subject: "Study build fails to publish in the development environment",
      description:
        "When I publish our **NW-101** study build, the publish step stops at 80% and shows `schedule conflict`.\n\nSteps:\n1. Open the study\n2. Publish",
      sharedWithOrganisation: true,
    });
    await addComment(actingAs(tx, actorOf(people.staff)), ticket.id, {
      body: "Thanks Ned, we can reproduce it. A fix is in the next sandbox build.",
    });
    await addComment(actingAs(tx, actorOf(people.staff)), ticket.id, {
      body: "Caused by the overlapping visit windows validation; see build 812.",
      internal: true,
    });
    await submitAccessRequest(tx, {
      name: "Priya Patel",
      email: "priya@contoso.example",
      organisation: "Contoso Clinical",
      role: "Clinical research coordinator",
      reason: "I coordinate our Phase 1 unit's studies and want to try the pharmacy preview.",
    });
    await seedDemoMacros(actingAs(tx, actorOf(people.staff)));
    await seedDemoTicketForms(actingAs(tx, actorOf(people.staff)));
    step("service desk tickets");
    await seedDemoReleases(actingAs(tx, actorOf(people.staff)));
    step("release notes");
    await seedDemoKnowledge(actingAs(tx, actorOf(people.staff)));
    step("knowledge base");
    await seedDemoChat(tx, {
      staff: actorOf(people.staff),
      northwindAdmin: actorOf(people.northwindAdmin),
      northwindMember: actorOf(people.northwindMember),
      contosoMember: actorOf(people.contosoMember),
      fabrikamDev: actorOf(people.fabrikamDev),
    });
    step("chat channels and messages");
    await seedDemoSandbox(
      tx,
      actorOf(people.staff),
      [
        { userId: people.northwindAdmin.id, role: "study_coordinator" },
        { userId: people.northwindMember.id, role: "investigator" },
        { userId: people.northwindPharmacist.id, role: "pharmacist" },
        { userId: people.contosoMember.id, role: "study_coordinator" },
        { userId: people.fabrikamDev.id, role: "read_only" },
      ],
      { northwind: actorOf(people.northwindAdmin), contoso: actorOf(people.contosoMember) },
    );
    await seedDemoPharmacy(actingAs(tx, actorOf(people.staff)));
    step("development environment agreement, users and studies");
    await seedDemoProjects(
      tx,
      {
        staff: actorOf(people.staff),
        northwindAdmin: actorOf(people.northwindAdmin),
        northwindMember: actorOf(people.northwindMember),
        contosoMember: actorOf(people.contosoMember),
      },
      { northwind: orgs.northwind.id, contoso: orgs.contoso.id },
    );
    step("collaboration project");
    await seedDemoGroups(tx, {
      northwindMember: actorOf(people.northwindMember),
      contosoMember: actorOf(people.contosoMember),
      northwindAdmin: actorOf(people.northwindAdmin),
      northwindPharmacist: actorOf(people.northwindPharmacist),
    });
    step("member groups");
    await seedDemoIdeas(tx, {
      staff: actorOf(people.staff),
      northwindAdmin: actorOf(people.northwindAdmin),
      northwindMember: actorOf(people.northwindMember),
      contosoMember: actorOf(people.contosoMember),
      fabrikamDev: actorOf(people.fabrikamDev),
    });
    step("ideas and the roadmap");
    await seedDemoServiceLevels(
      tx,
      {
        staff: actorOf(people.staff),
        northwindMember: actorOf(people.northwindMember),
        contosoMember: actorOf(people.contosoMember),
      },
      { northwind: orgs.northwind.id, contoso: orgs.contoso.id },
    );
    step("service levels and four months of ticket history");
    return { organisations: orgs, people };
  });
}
