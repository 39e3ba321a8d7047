import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { IdentityProviderInput } from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
import * as organisationSignIn from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
import type {
  OrganisationChanges,
  OrganisationInput,
} from "../../../server/modules/accounts/contracts/organisations.js";
import * as organisations from "../../../server/modules/accounts/contracts/organisations.js";
import type { AdminUser, UserStatus } from "../../../server/modules/accounts/contracts/users.js";
import * as users from "../../../server/modules/accounts/contracts/users.js";
import * as platform from "../../../shared/contracts/platform.js";
import { callApi } from "../../app/api.js";
import { type LiveRule, useLiveQueries, whenEvent } from "../../app/live.js";
import type { OrganisationKind } from "../../app/session.js";

export type {
  IdentityProviderInput,
  OrganisationSignInSettings,
} from "../../../server/modules/accounts/contracts/organisation-sign-in.js";
export type {
  Organisation,
  OrganisationInput,
} from "../../../server/modules/accounts/contracts/organisations.js";
export type { AdminUser, UserStatus } from "../../../server/modules/accounts/contracts/users.js";
export type { AuditChain, AuditEntry, MailMessage } from "../../../shared/contracts/platform.js";

export type UserFilters = { q: string; organisationId: string; status: string };
export type UserChange = Partial<Pick<AdminUser, "status" | "isOrgAdmin" | "isStaff">>;
export type AuditFilters = { action: string; actor: string; target: string; from: string; to: string };

export const organisationKinds: { value: OrganisationKind; label: string }[] = [
  { value: "customer", label: "Customer" },
  { value: "partner", label: "Development partner" },
  { value: "vendor", label: "Vendor" },
];

export const kindLabel = (kind: OrganisationKind) =>
  organisationKinds.find((option) => option.value === kind)?.label ?? kind;

export const adminKeys = {
  organisations: ["admin", "organisations"] as const,
  organisationSignIn: (id: string) => ["admin", "organisation-sign-in", id] as const,
  users: (filters: UserFilters) => ["admin", "users", filters] as const,
  allUsers: ["admin", "users"] as const,
  audit: (filters: AuditFilters) => ["admin", "audit", filters] as const,
  mail: (to: string) => ["admin", "mail", to] as const,
};

/**
 * What the product team's admin lists follow: an organisation or a person created or changed anywhere
 * (an invitation accepted, a colleague's edit). An organisation's row counts its people.
 */
export const adminLive: LiveRule[] = [
  whenEvent(organisations.organisationChanged, () => [adminKeys.organisations]),
  whenEvent(users.userChanged, () => [adminKeys.allUsers, adminKeys.organisations]),
];

/** Keeps the open admin lists current (see `adminLive`). */
export function useAdminLive(): void {
  useLiveQueries(adminLive);
}

export const adminApi = {
  createOrganisation: (body: OrganisationInput) => callApi(organisations.createOrganisation, { body }),
  updateOrganisation: (id: string, body: OrganisationChanges) =>
    callApi(organisations.updateOrganisation, { params: { id }, body }),
  updateUser: (id: string, body: UserChange) => callApi(users.updateUser, { params: { id }, body }),
  configureSignIn: (id: string, body: IdentityProviderInput) =>
    callApi(organisationSignIn.configureOrganisationSignIn, { params: { id }, body }),
  removeSignIn: (id: string) => callApi(organisationSignIn.removeOrganisationSignIn, { params: { id } }),
  checkDiscovery: (issuer: string) => callApi(organisationSignIn.checkIssuerDiscovery, { body: { issuer } }),
};

export const useOrganisationSignIn = (id: string) =>
  useQuery({
    queryKey: adminKeys.organisationSignIn(id),
    queryFn: () => callApi(organisationSignIn.getOrganisationSignIn, { params: { id } }),
  });

export const useOrganisations = () =>
  useQuery({
    queryKey: adminKeys.organisations,
    queryFn: () => callApi(organisations.listOrganisations, {}),
    select: (data) => data.organisations,
  });

export const useAdminUsers = (filters: UserFilters) =>
  useQuery({
    queryKey: adminKeys.users(filters),
    queryFn: () =>
      callApi(users.listUsers, {
        query: {
          q: filters.q,
          organisationId: filters.organisationId,
          // The filter's "" means every status; the query leaves empty values out.
          status: (filters.status || undefined) as UserStatus | undefined,
        },
      }),
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
      callApi(platform.listAudit, { query: { ...auditQuery(filters), beforeId: pageParam } }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (lastPage) =>
      lastPage.entries.length < AUDIT_PAGE_SIZE ? undefined : lastPage.entries.at(-1)?.id,
  });

export const useMailOutbox = (to: string) =>
  useQuery({
    queryKey: adminKeys.mail(to),
    queryFn: () => callApi(platform.listMail, { query: { to, limit: 200 } }),
    select: (data) => data.messages,
    placeholderData: (previous) => previous,
  });
