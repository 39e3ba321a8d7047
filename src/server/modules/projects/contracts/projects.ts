import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { someChange } from "../../../../shared/fields.js";
import { projectParams, projectStatuses, tag } from "./common.js";
import { participant } from "./participants.js";

// --- input ---

const projectFields = {
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(3, "Use at least 3 characters.")
    .max(120, "Use at most 120 characters."),
  purpose: z.string({ error: "Describe the purpose." }).trim().max(20_000, "Use at most 20,000 characters."),
  startsOn: z.iso.date({ error: "Enter the start date as YYYY-MM-DD." }),
  endsOn: z.iso.date({ error: "Enter the end date as YYYY-MM-DD." }).nullable().optional(),
};
export const projectInput = z.object(projectFields);
export type ProjectInput = z.output<typeof projectInput>;
export const projectChanges = someChange({
  name: projectFields.name.optional(),
  purpose: projectFields.purpose.optional(),
  startsOn: projectFields.startsOn.optional(),
  endsOn: projectFields.endsOn,
});
export type ProjectChanges = z.output<typeof projectChanges>;
export const projectListQuery = z.object({
  status: z.enum(projectStatuses, { error: "Choose active or archived." }).optional(),
});
export type ProjectListQuery = z.output<typeof projectListQuery>;

// --- output ---

export const projectSummary = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.string(),
  /** The purpose as one line of plain text, for lists. */
  purposeExcerpt: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  status: z.enum(projectStatuses),
  /** The organisations taking part whole, and how many people take part in person. */
  organisationNames: z.array(z.string()),
  personCount: z.number(),
  updatedAt: z.string(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;
export const project = projectSummary.omit({ organisationNames: true, personCount: true }).extend({
  purposeHtml: z.string(),
  archivedAt: z.string().nullable(),
  participants: z.array(participant),
  /** Staff manage a project (details, participants, archive); everyone in it reads and writes items. */
  canManage: z.boolean(),
});
export type Project = z.infer<typeof project>;

// --- operations ---

export const listProjects = operation({
  operationId: "listProjects",
  summary: "The projects one takes part in (staff: every project)",
  method: "GET",
  path: "/api/projects",
  access: "member",
  tag,
  query: projectListQuery,
  response: z.object({ projects: z.array(projectSummary) }),
});

export const createProject = operation({
  operationId: "createProject",
  summary: "Start a project",
  method: "POST",
  path: "/api/projects",
  access: "staff",
  tag,
  body: projectInput,
  response: project,
  status: 201,
});

export const getProject = operation({
  operationId: "getProject",
  summary: "One project with its participants",
  method: "GET",
  path: "/api/projects/:id",
  access: "member",
  tag,
  params: projectParams,
  response: project,
});

export const updateProject = operation({
  operationId: "updateProject",
  summary: "Change a project's details",
  method: "PATCH",
  path: "/api/projects/:id",
  access: "staff",
  tag,
  params: projectParams,
  body: projectChanges,
  response: project,
});

export const archiveProject = operation({
  operationId: "archiveProject",
  summary: "Archive a project: read-only until restored",
  method: "POST",
  path: "/api/projects/:id/archive",
  access: "staff",
  tag,
  params: projectParams,
  response: project,
});

export const restoreProject = operation({
  operationId: "restoreProject",
  summary: "Restore an archived project",
  method: "POST",
  path: "/api/projects/:id/restore",
  access: "staff",
  tag,
  params: projectParams,
  response: project,
});
