import { useQuery } from "@tanstack/react-query";
import type { Me } from "../../server/modules/accounts/contracts/me.js";
import { getMe } from "../../server/modules/accounts/contracts/me.js";
import { callApi, isApiError } from "./api.js";

export type { Me };
export type OrganisationKind = Me["organisation"]["kind"];

export const meQueryKey = ["me"] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    return await callApi(getMe, {});
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/** The signed-in person, `null` when signed out, `undefined` while the first answer is on its way. */
export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000 });
}
