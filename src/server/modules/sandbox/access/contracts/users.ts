import { z } from "zod";
import { operation } from "../../../../../shared/contract.js";
import { resettingErrors } from "./gate.js";

export const sandboxRoles = [
  "study_coordinator",
  "investigator",
  "pharmacist",
  "recruiter",
  "read_only",
] as const;
export type SandboxRole = (typeof sandboxRoles)[number];

export const roleLabels: Record<SandboxRole, string> = {
  study_coordinator: "Study coordinator",
  investigator: "Investigator",
  pharmacist: "Pharmacist",
  recruiter: "Recruiter",
  read_only: "Read-only",
};

const tag = "sandbox";

const organisationRef = z.object({ id: z.string(), name: z.string() });
const roleField = z.enum(sandboxRoles, {
  error: "Choose a role: study coordinator, investigator, pharmacist, recruiter or read-only.",
});
const userIdParam = z.object({ userId: z.uuid({ error: "Not a valid id." }) });

export const sandboxUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
  role: z.enum(sandboxRoles),
  addedAt: z.string(),
});
export type SandboxUser = z.infer<typeof sandboxUser>;

export const personOption = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  organisation: organisationRef,
});
export type PersonOption = z.infer<typeof personOption>;

export const sandboxUserInput = z.object({ userId: z.uuid({ error: "Choose a person." }), role: roleField });
export type SandboxUserInput = z.output<typeof sandboxUserInput>;

export const sandboxStatus = z.object({
  isSandboxUser: z.boolean(),
  role: z.enum([...sandboxRoles, "staff"]).nullable(),
  agreement: z.object({ id: z.string(), version: z.number() }).nullable(),
  accepted: z.boolean(),
  canManageUsers: z.boolean(),
});
export type SandboxStatus = z.infer<typeof sandboxStatus>;

export const getSandboxStatus = operation({
  operationId: "getSandboxStatus",
  summary: "What the caller may do in the development environment",
  method: "GET",
  path: "/api/sandbox/status",
  access: "member",
  tag,
  response: sandboxStatus,
  errors: resettingErrors,
});

export const listSandboxUsers = operation({
  operationId: "listSandboxUsers",
  summary: "List the development environment's users and who may be added",
  method: "GET",
  path: "/api/sandbox/users",
  access: "member",
  tag,
  response: z.object({ users: z.array(sandboxUser), candidates: z.array(personOption) }),
  errors: resettingErrors,
});

export const addSandboxUser = operation({
  operationId: "addSandboxUser",
  summary: "Add a person to the development environment",
  method: "POST",
  path: "/api/sandbox/users",
  access: "member",
  tag,
  body: sandboxUserInput,
  response: sandboxUser,
  status: 201,
  errors: resettingErrors,
});

export const changeSandboxRole = operation({
  operationId: "changeSandboxRole",
  summary: "Change a development environment user's role",
  method: "PATCH",
  path: "/api/sandbox/users/:userId",
  access: "member",
  tag,
  params: userIdParam,
  body: z.object({ role: roleField }),
  response: sandboxUser,
  errors: resettingErrors,
});

export const removeSandboxUser = operation({
  operationId: "removeSandboxUser",
  summary: "Remove a person from the development environment",
  method: "DELETE",
  path: "/api/sandbox/users/:userId",
  access: "member",
  tag,
  params: userIdParam,
  errors: resettingErrors,
});
