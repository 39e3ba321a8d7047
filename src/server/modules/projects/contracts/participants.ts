import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { uuidField } from "../../../../shared/fields.js";
import { projectParams, tag } from "./common.js";

// --- input ---

export const participantInput = z
  .object({
    userId: z.uuid("Choose a person.").optional(),
    organisationId: z.uuid("Choose an organisation.").optional(),
  })
  .refine((body) => (body.userId === undefined) !== (body.organisationId === undefined), {
    message: "Choose a person or an organisation, not both.",
    path: ["userId"],
  });
/** A person, or a whole organisation (everyone in it, now and later). */
export type ParticipantInput = { userId: string } | { organisationId: string };

// --- output ---

export const participant = z.object({
  id: z.string(),
  kind: z.enum(["person", "organisation"]),
  userId: z.string().optional(),
  organisationId: z.string().optional(),
  name: z.string(),
  /** For a person: their organisation. */
  organisationName: z.string().optional(),
  addedAt: z.string(),
});
export type Participant = z.infer<typeof participant>;

// --- operations ---

export const addParticipant = operation({
  operationId: "addProjectParticipant",
  summary: "Add a person or a whole organisation to a project",
  method: "POST",
  path: "/api/projects/:id/participants",
  access: "staff",
  tag,
  params: projectParams,
  body: participantInput,
  response: participant,
  status: 201,
});

export const removeParticipant = operation({
  operationId: "removeProjectParticipant",
  summary: "Take a participant out of a project",
  method: "DELETE",
  path: "/api/projects/:id/participants/:participantId",
  access: "staff",
  tag,
  params: z.object({ id: uuidField, participantId: uuidField }),
});
