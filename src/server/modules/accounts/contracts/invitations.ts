import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { emailField, idParam, nameField, passwordField, tokenParam } from "../../../../shared/fields.js";
import { me } from "./me.js";
import { organisationRef } from "./organisations.js";

export const invitationStatuses = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

const tag = "accounts";

// --- input ---

export const invitationInput = z.object({
  email: emailField,
  organisationId: z.uuid("Choose an organisation.").optional(),
});
export type InvitationInput = z.output<typeof invitationInput>;
export const invitationFilter = z.object({
  organisationId: z.uuid().optional(),
  status: z.enum(invitationStatuses).optional(),
});
export type InvitationFilter = z.output<typeof invitationFilter>;
export const acceptance = z.object({ name: nameField, password: passwordField });
export type Acceptance = z.output<typeof acceptance>;

// --- output ---

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  organisation: organisationRef,
  invitedBy: organisationRef.nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(invitationStatuses),
});
export type Invitation = z.infer<typeof invitation>;
export const invitationPreview = z.object({
  email: z.string(),
  organisation: z.object({ name: z.string() }),
  expiresAt: z.string(),
});
export type InvitationPreview = z.infer<typeof invitationPreview>;

export const previewInvitation = operation({
  operationId: "previewInvitation",
  summary: "Who a live invitation link is for, and into which organisation",
  method: "GET",
  path: "/api/invitations/:token",
  access: "public",
  tag,
  params: tokenParam,
  response: invitationPreview,
  errors: ["gone"],
});

export const acceptInvitation = operation({
  operationId: "acceptInvitation",
  summary: "Create your account from an invitation and sign in",
  method: "POST",
  path: "/api/invitations/:token/accept",
  access: "public",
  tag,
  params: tokenParam,
  body: acceptance,
  response: z.object({ user: me }),
  errors: ["gone", "conflict", "rate_limited", "organisation_sign_in_required"],
});

export const inviteColleague = operation({
  operationId: "inviteColleague",
  summary: "Invite a colleague at your organisation's domain (staff: anyone, anywhere)",
  method: "POST",
  path: "/api/invitations",
  access: "member",
  tag,
  body: invitationInput,
  response: invitation,
  status: 201,
  errors: ["rate_limited"],
});

export const listInvitations = operation({
  operationId: "listInvitations",
  summary: "Invitations you may see: staff every one, org admins their organisation's, members their own",
  method: "GET",
  path: "/api/invitations",
  access: "member",
  tag,
  query: invitationFilter,
  response: z.object({ invitations: z.array(invitation) }),
});

export const revokeInvitation = operation({
  operationId: "revokeInvitation",
  summary: "Revoke a pending invitation",
  method: "POST",
  path: "/api/invitations/:id/revoke",
  access: "member",
  tag,
  params: idParam,
  response: invitation,
});
