import { useQuery } from "@tanstack/react-query";
import * as agreements from "../../../server/modules/sandbox/access/contracts/agreement.js";
import type { SandboxRole } from "../../../server/modules/sandbox/access/contracts/users.js";
import * as users from "../../../server/modules/sandbox/access/contracts/users.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";

export type {
  Acceptance,
  Agreement,
  AgreementVersion,
} from "../../../server/modules/sandbox/access/contracts/agreement.js";
export type {
  PersonOption as Candidate,
  SandboxRole,
  SandboxStatus,
  SandboxUser,
} from "../../../server/modules/sandbox/access/contracts/users.js";

import { roleLabels } from "../../../server/modules/sandbox/access/contracts/users.js";

export { roleLabels };
export const roleOptions = Object.entries(roleLabels).map(([value, label]) => ({ value, label }));

export const sandboxKeys = {
  status: ["sandbox", "status"] as const,
  agreement: ["sandbox", "agreement"] as const,
  users: ["sandbox", "users"] as const,
  versions: ["admin", "sandbox", "agreements"] as const,
  acceptances: (id: string) => ["admin", "sandbox", "agreements", id, "acceptances"] as const,
};

export const sandboxApi = {
  accept: (agreementId: string) => callApi(agreements.acceptAgreement, { body: { agreementId } }),
  addUser: (body: Request<typeof users.addSandboxUser>["body"]) => callApi(users.addSandboxUser, { body }),
  changeRole: (userId: string, role: SandboxRole) =>
    callApi(users.changeSandboxRole, { params: { userId }, body: { role } }),
  removeUser: (userId: string) => callApi(users.removeSandboxUser, { params: { userId } }),
  createDraft: (body: Request<typeof agreements.createAgreementDraft>["body"]) =>
    callApi(agreements.createAgreementDraft, { body }),
  updateDraft: (id: string, body: NonNullable<Request<typeof agreements.updateAgreementDraft>["body"]>) =>
    callApi(agreements.updateAgreementDraft, { params: { id }, body }),
  publish: (id: string) => callApi(agreements.publishAgreement, { params: { id } }),
};

export const useSandboxStatus = () =>
  useQuery({ queryKey: sandboxKeys.status, queryFn: () => callApi(users.getSandboxStatus, {}) });

export const useAgreement = (enabled = true) =>
  useQuery({
    queryKey: sandboxKeys.agreement,
    queryFn: () => callApi(agreements.getCurrentAgreement, {}),
    enabled,
  });

export const useSandboxUsers = (enabled = true) =>
  useQuery({ queryKey: sandboxKeys.users, queryFn: () => callApi(users.listSandboxUsers, {}), enabled });

export const useAgreementVersions = () =>
  useQuery({
    queryKey: sandboxKeys.versions,
    queryFn: () => callApi(agreements.listAgreementVersions, {}),
    select: (data) => data.versions,
  });

export const useAcceptances = (id: string | null) =>
  useQuery({
    queryKey: sandboxKeys.acceptances(id ?? ""),
    queryFn: () => callApi(agreements.listAcceptances, { params: { id: id ?? "" } }),
    select: (data) => data.acceptances,
    enabled: id !== null,
  });
