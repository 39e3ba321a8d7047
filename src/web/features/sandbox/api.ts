import { useQuery } from "@tanstack/react-query";
import type { SandboxStatus } from "../../../server/modules/sandbox/access/access.js";
import type {
  AcceptanceView,
  AgreementVersionView,
  AgreementView,
  PersonOption,
  SandboxUserView,
} from "../../../server/modules/sandbox/present.js";
import type { SandboxRole } from "../../../server/modules/sandbox/schema.js";
import { api } from "../../app/api.js";

export type { SandboxRole, SandboxStatus };
export type Agreement = AgreementView;
export type AgreementVersion = AgreementVersionView;
export type Acceptance = AcceptanceView;
export type SandboxUser = SandboxUserView;
export type Candidate = PersonOption;

export const roleLabels: Record<SandboxRole, string> = {
  study_coordinator: "Study coordinator",
  investigator: "Investigator",
  pharmacist: "Pharmacist",
  recruiter: "Recruiter",
  read_only: "Read-only",
};
export const roleOptions = Object.entries(roleLabels).map(([value, label]) => ({ value, label }));

export const sandboxKeys = {
  status: ["sandbox", "status"] as const,
  agreement: ["sandbox", "agreement"] as const,
  users: ["sandbox", "users"] as const,
  versions: ["admin", "sandbox", "agreements"] as const,
  acceptances: (id: string) => ["admin", "sandbox", "agreements", id, "acceptances"] as const,
};

const path = (id: string) => encodeURIComponent(id);

export const sandboxApi = {
  accept: (agreementId: string) => api.post<Agreement>("/api/sandbox/agreement/accept", { agreementId }),
  addUser: (body: { userId: string; role: SandboxRole }) => api.post<SandboxUser>("/api/sandbox/users", body),
  changeRole: (userId: string, role: SandboxRole) =>
    api.patch<SandboxUser>(`/api/sandbox/users/${path(userId)}`, { role }),
  removeUser: (userId: string) => api.delete(`/api/sandbox/users/${path(userId)}`),
  createDraft: (body: { title: string; body: string }) =>
    api.post<AgreementVersion>("/api/admin/sandbox/agreements", body),
  updateDraft: (id: string, body: { title?: string; body?: string }) =>
    api.patch<AgreementVersion>(`/api/admin/sandbox/agreements/${path(id)}`, body),
  publish: (id: string) => api.post<AgreementVersion>(`/api/admin/sandbox/agreements/${path(id)}/publish`),
};

export const useSandboxStatus = () =>
  useQuery({ queryKey: sandboxKeys.status, queryFn: () => api.get<SandboxStatus>("/api/sandbox/status") });

export const useAgreement = (enabled = true) =>
  useQuery({
    queryKey: sandboxKeys.agreement,
    queryFn: () => api.get<Agreement>("/api/sandbox/agreement"),
    enabled,
  });

export const useSandboxUsers = (enabled = true) =>
  useQuery({
    queryKey: sandboxKeys.users,
    queryFn: () => api.get<{ users: SandboxUser[]; candidates: Candidate[] }>("/api/sandbox/users"),
    enabled,
  });

export const useAgreementVersions = () =>
  useQuery({
    queryKey: sandboxKeys.versions,
    queryFn: () => api.get<{ versions: AgreementVersion[] }>("/api/admin/sandbox/agreements"),
    select: (data) => data.versions,
  });

export const useAcceptances = (id: string | null) =>
  useQuery({
    queryKey: sandboxKeys.acceptances(id ?? ""),
    queryFn: () =>
      api.get<{ acceptances: Acceptance[] }>(`/api/admin/sandbox/agreements/${path(id ?? "")}/acceptances`),
    select: (data) => data.acceptances,
    enabled: id !== null,
  });
