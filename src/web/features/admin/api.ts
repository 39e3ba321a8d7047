import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type {
  OrganisationInput,
  OrganisationWithDomains,
} from "../../../server/modules/accounts/organisations.js";
import type { AdminUserView } from "../../../server/modules/accounts/present.js";
import { api } from "../../app/api.js";
import type { OrganisationKind } from "../../app/session.js";

export type Organisation = OrganisationWithDomains;
export type { OrganisationInput };

export type AdminUser = AdminUserView;
export type UserStatus = AdminUser["status"];
export type UserFilters = { q: string; organisationId: string; status: string };
export type UserChange = Partial<Pick<AdminUser, "status" | "isOrgAdmin" | "isStaff">>;

export type AuditEntry = {
  id: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};
export type AuditChain = { intact: boolean; rows: number; brokenAtId?: number };
export type AuditFilters = { action: string; actor: string; target: string; from: string; to: string };
type AuditPage = { entries: AuditEntry[]; chain: AuditChain };

export type MailMessage = {
  id: string;
  to: string;
  subject: string;
  text: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
};

export const organisationKinds: { value: OrganisationKind; label: string }[] = [
  { value: "customer", label: "Customer" },
  { value: "partner", label: "Development partner" },
  { value: "vendor", label: "Vendor" },
];

export const kindLabel = (kind: OrganisationKind) =>
  organisationKinds.find((option) => option.value === kind)?.label ?? kind;

export const adminKeys = {
  organisations: ["admin", "organisations"] as const,
  users: (filters: UserFilters) => ["admin", "users", filters] as const,
  allUsers: ["admin", "users"] as const,
  audit: (filters: AuditFilters) => ["admin", "audit", filters] as const,
  mail: (to: string) => ["admin", "mail", to] as const,
};

export const adminApi = {
  createOrganisation: (body: OrganisationInput) => api.post<Organisation>("/api/admin/organisations", body),
  updateOrganisation: (id: string, body: OrganisationInput) =>
    api.patch<Organisation>(`/api/admin/organisations/${encodeURIComponent(id)}`, body),
  updateUser: (id: string, body: UserChange) =>
    api.patch<AdminUser>(`/api/admin/users/${encodeURIComponent(id)}`, body),
};

export const useOrganisations = () =>
  useQuery({
    queryKey: adminKeys.organisations,
    queryFn: () => api.get<{ organisations: Organisation[] }>("/api/admin/organisations"),
    select: (data) => data.organisations,
  });

export const useAdminUsers = (filters: UserFilters) =>
  useQuery({
    queryKey: adminKeys.users(filters),
    queryFn: () => api.get<{ users: AdminUser[] }>("/api/admin/users", filters),
    select: (data) => data.users,
    placeholderData: (previous) => previous,
  });

const AUDIT_PAGE_SIZE = 100;

/** `from` and `to` are calendar days; the API wants instants, the whole of the `to` day included. */
function auditQuery(filters: AuditFilters) {
  return {
    action: filters.action,
    actor: filters.actor,
    target: filters.target,
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : "",
    to: filters.to ? new Date(`${filters.to}T23:59:59.999`).toISOString() : "",
    limit: AUDIT_PAGE_SIZE,
  };
}

export const useAuditLog = (filters: AuditFilters) =>
  useInfiniteQuery({
    queryKey: adminKeys.audit(filters),
    queryFn: ({ pageParam }) =>
      api.get<AuditPage>("/api/admin/audit", { ...auditQuery(filters), beforeId: pageParam }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (lastPage) =>
      lastPage.entries.length < AUDIT_PAGE_SIZE ? undefined : lastPage.entries.at(-1)?.id,
  });

export const useMailOutbox = (to: string) =>
  useQuery({
    queryKey: adminKeys.mail(to),
    queryFn: () => api.get<{ messages: MailMessage[] }>("/api/admin/mail", { to, limit: 200 }),
    select: (data) => data.messages,
    placeholderData: (previous) => previous,
  });
