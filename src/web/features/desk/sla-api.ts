import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as sla from "../../../server/modules/desk/contracts/sla.js";
import { callApi } from "../../app/api.js";

export type {
  SlaPolicy,
  SlaPolicyInput,
  SlaReport,
  SlaReportRow,
  TicketPriority,
} from "../../../server/modules/desk/contracts/sla.js";

export const slaKeys = {
  policies: ["desk", "sla", "policies"] as const,
  report: (from: string, to: string) => ["desk", "sla", "report", from, to] as const,
};

export const useSlaPolicies = () =>
  useQuery({
    queryKey: slaKeys.policies,
    queryFn: () => callApi(sla.listSlaPolicies, {}),
    select: (data) => data.policies,
  });

export function useSaveSlaPolicy(organisationId: string) {
  const queryClient = useQueryClient();
  return async (body: sla.SlaPolicyInput) => {
    const saved = await callApi(sla.updateSlaPolicy, { params: { organisationId }, body });
    // Every ticket's clock of the organisation follows the new policy.
    await queryClient.invalidateQueries({ queryKey: ["desk"] });
    return saved;
  };
}

export const useSlaReport = (from: string, to: string) =>
  useQuery({
    queryKey: slaKeys.report(from, to),
    queryFn: () => callApi(sla.getSlaReport, { query: { ...(from ? { from } : {}), ...(to ? { to } : {}) } }),
    placeholderData: (previous) => previous,
  });

export const slaReportCsvUrl = (from: string, to: string) => {
  const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  return `/api/desk/reports/sla.csv${query ? `?${query}` : ""}`;
};
