import { eq } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import type { ReleaseInput } from "./contracts/releases.js";
import { createDraft } from "./releases.js";
import { releases } from "./schema.js";

const published: ReleaseInput[] = [
  {
    version: "26.2",
    title: "Visit scheduling, rebuilt",
    releaseDate: "2026-02-10",
    notes: [
      "The visit calendar is rebuilt around how Phase 1 units plan their days.",
      "",
      "## Highlights",
      "- Drag a visit to another day or bed and see its window move with it.",
      "- Conflicting visit windows are flagged **before** a study build is published.",
      "- Volunteers can check themselves in at a kiosk (preview: ask us to turn it on).",
      "",
      "Upgrade notes are on the [documentation site](https://docs.example/convene/26.2).",
    ].join("\n"),
    features: [
      {
        title: "Drag-and-drop visit calendar",
        module: "Scheduling",
        availability: "ga",
        description: "Move visits between days and beds; windows and dependent procedures follow.",
      },
      {
        title: "Visit window conflict warnings",
        module: "Scheduling",
        availability: "ga",
        description: "Overlapping windows are reported while you build, not when you publish.",
      },
      {
        title: "Volunteer self check-in",
        module: "Volunteers",
        availability: "preview",
        description: "A kiosk page where volunteers confirm their identity and visit.",
      },
    ],
  },
  {
    version: "26.2.1",
    title: "Hotfix: publishing study builds",
    releaseDate: "2026-02-24",
    notes:
      "Publishing a study build no longer stops at 80% with `schedule conflict` when two visit windows " +
      "touch at midnight. Every environment was updated; nothing to do on your side.",
    features: [
      {
        title: "Publishing builds with adjacent visit windows",
        module: "Study builder",
        availability: "ga",
        description: "",
      },
    ],
  },
];

const draft: ReleaseInput = {
  version: "26.3",
  title: "Pharmacy preview",
  releaseDate: "2026-03-31",
  notes: [
    "26.3 opens the **Pharmacy** module to preview customers, and makes eSource forms faster for everyone.",
    "",
    "Preview features are off by default: ask in the Service desk to join the pharmacy preview.",
  ].join("\n"),
  features: [
    {
      title: "Dispensing log",
      module: "Pharmacy",
      availability: "preview",
      description: "Record each dispensation against the volunteer, kit and visit.",
    },
    {
      title: "Drug accountability report",
      module: "Pharmacy",
      availability: "preview",
      description: "Received, dispensed, returned and destroyed, per study and per kit.",
    },
    {
      title: "Temperature excursion alerts",
      module: "Pharmacy",
      availability: "preview",
      description: "",
    },
    {
      title: "Faster eSource form loading",
      module: "eSource",
      availability: "ga",
      description: "Large forms open about twice as fast.",
    },
  ],
};

/**
 * The demo's release history: 26.2 and its hotfix 26.2.1 as already published (written as
 * published rows, so seeding announces nothing, mails no one and calls no webhook), and 26.3 as a
 * draft for staff to preview and publish.
 */
export async function seedDemoReleases(ctx: ActorCtx): Promise<{ draftId: string }> {
  for (const input of published) {
    const release = await createDraft(ctx, input);
    await ctx.db
      .update(releases)
      .set({
        status: "published",
        publishedAt: new Date(`${input.releaseDate}T09:00:00Z`),
        publishedBy: ctx.actor.id,
      })
      .where(eq(releases.id, release.id));
  }
  const created = await createDraft(ctx, draft);
  return { draftId: created.id };
}
