import { useQuery } from "@tanstack/react-query";
import { getSession } from "../../server/modules/accounts/contracts/auth.js";
import type { Me } from "../../server/modules/accounts/contracts/me.js";
import { callApi } from "./api.js";

export type { Me };
export type OrganisationKind = Me["organisation"]["kind"];

export const meQueryKey = ["me"] as const;

async function fetchMe(): Promise<Me | null> {
  return (await callApi(getSession, {})).user;
}

/** The signed-in person, `null` when signed out, `undefined` while the first answer is on its way. */
export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000 });
}
