import { type Actor, actingAs, type Ctx } from "../../platform/context.js";
import type { DemoProject } from "./demo-project.js";
import { createDocument, updateDocument } from "./documents.js";
import { createFolder, uploadFile } from "./files.js";

const notesTitle = "Pharmacy preview: dispensing workflow notes";

const firstDraft = `## Dispensing workflow

1. Receive the lot and print the container labels.
2. Move the containers to storage.
3. Move a container to dispense when the visit is scheduled.
4. Dispense to the enrolled subject, scanning the container's barcode.`;

const withNorthwindChecks = `${firstDraft}

## Checks at the site (Northwind)
- Two people check the subject number and the container before dispensing.
- The cohort's dose is printed on the dispensing sheet.`;

const withContosoQuestion = `${withNorthwindChecks}

## Open questions (Contoso)
- Our satellite pharmacy keeps part of each lot: can a container record where it is stored?`;

/**
 * The demo project's documents and files: working notes with three versions written by the product
 * team, Northwind and Contoso in turn (so the history and the diff have something to show), and a
 * folder with a small checklist.
 */
export async function seedDemoDocuments(ctx: Ctx, demo: DemoProject): Promise<void> {
  const { projectId, people } = demo;
  const as = (actor: Actor) => actingAs(ctx, actor);
  const notes = await createDocument(as(people.staff), projectId, {
    title: notesTitle,
    body: firstDraft,
  });
  const second = await updateDocument(as(people.northwindAdmin), projectId, notes.id, {
    title: notesTitle,
    body: withNorthwindChecks,
    baseVersion: notes.version,
  });
  await updateDocument(as(people.contosoMember), projectId, notes.id, {
    title: notesTitle,
    body: withContosoQuestion,
    baseVersion: second.version,
  });

  const folder = await createFolder(as(people.staff), projectId, { name: "Site checklists" });
  await uploadFile(
    as(people.northwindMember),
    projectId,
    {
      filename: "dispensing-checklist.txt",
      contentType: "text/plain",
      data: Buffer.from(
        "Before dispensing:\n[ ] Subject number matches the schedule\n[ ] Container barcode scanned\n[ ] Lot not expired\n[ ] Dose matches the cohort\n",
      ),
    },
    { folderId: folder.id },
  );
}
