import type { ActorCtx } from "../../platform/context.js";
import { createArticle } from "./articles.js";
import { createCategory } from "./categories.js";
import type { ArticleInput } from "./contracts/articles.js";

type DemoArticle = Omit<ArticleInput, "categoryId"> & { category: string };

const categories = ["Getting started", "Studies and data", "Accounts and sign-in"];

const articles: DemoArticle[] = [
  {
    category: "Getting started",
    title: "Where to ask for help",
    status: "published",
    audience: "members",
    body: [
      "The **service desk** is the one official support avenue: open a ticket from *Service desk → New ticket*.",
      "",
      "Chat is for talking with other customers and the product team; a message that reads like a support request offers to become a ticket.",
    ].join("\n"),
  },
  {
    category: "Studies and data",
    title: "Export a study's data as CSV",
    status: "published",
    audience: "members",
    body: [
      "Every study can be exported for analysis or archiving.",
      "",
      "1. Open the study and choose **Export**.",
      "2. Pick the forms and the date range, then **Export as CSV**.",
      "3. The file downloads; cells that a spreadsheet would run as a formula start with an apostrophe.",
      "",
      "Exports of the development environment hold synthetic data only.",
    ].join("\n"),
  },
  {
    category: "Studies and data",
    title: "A study build stops while publishing",
    status: "published",
    audience: "members",
    body: [
      "Publishing checks the schedule before it goes out. When it stops with `schedule conflict`, two visit windows overlap.",
      "",
      "Open **Schedule → Conflicts**, move one of the visits, and publish again.",
    ].join("\n"),
  },
  {
    category: "Accounts and sign-in",
    title: "Reset your password",
    status: "published",
    audience: "members",
    body: [
      "On the sign-in page choose **Forgot password?** and enter your work address.",
      "",
      "The link in the e-mail works once and for an hour. If your organisation signs in through its own identity provider, reset your password there instead.",
    ].join("\n"),
  },
  {
    category: "Accounts and sign-in",
    title: "Unlocking an account after repeated failed sign-ins",
    status: "published",
    audience: "staff",
    body: [
      "For the product team: after ten failed password attempts an account is locked for fifteen minutes.",
      "",
      "Check **Admin → Audit** for the address before unlocking it early; repeated lockouts from new places go to security.",
    ].join("\n"),
  },
  {
    category: "Studies and data",
    title: "Importing volunteers from another system",
    status: "draft",
    audience: "members",
    body: "Draft: how to prepare a CSV of volunteers so the import obfuscates it correctly.",
  },
];

/** The demo knowledge base: three categories, published articles for members, one staff-only, one draft. */
export async function seedDemoKnowledge(staff: ActorCtx): Promise<void> {
  const ids = new Map<string, string>();
  for (const name of categories) ids.set(name, (await createCategory(staff, { name })).id);
  for (const { category, ...article } of articles) {
    const categoryId = ids.get(category);
    if (!categoryId) throw new Error(`demo category ${category} is missing`);
    await createArticle(staff, { ...article, categoryId });
  }
}
