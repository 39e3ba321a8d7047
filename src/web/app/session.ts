import { useQuery } from "@tanstack/react-query";
import { api, isApiError } from "./api.js";

export type OrganisationKind = "vendor" | "customer" | "partner";

export type Me = {
  id: string;
  email: string;
  name: string;
  organisation: { id: string; name: string; kind: OrganisationKind };
  isStaff: boolean;
  isOrgAdmin: boolean;
  totpEnabled: boolean;
  /** Release announcements by e-mail (on unless turned off). */
  releaseEmails: boolean;
};

export const meQueryKey = ["me"] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>("/api/me");
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/** The signed-in person, `null` when signed out, `undefined` while the first answer is on its way. */
export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000 });
}
