import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as macros from "../../../server/modules/desk/contracts/macros.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";

export type { Macro, MacroInput } from "../../../server/modules/desk/contracts/macros.js";
export type MacroBody = Request<typeof macros.createMacro>["body"];

export const macroKeys = { all: ["desk", "macros"] as const };

export const macrosApi = {
  create: (body: MacroBody) => callApi(macros.createMacro, { body }),
  update: (id: string, body: MacroBody) => callApi(macros.updateMacro, { params: { id }, body }),
  remove: (id: string) => callApi(macros.deleteMacro, { params: { id } }),
  reply: (ticketId: string, body: Request<typeof macros.replyWithMacro>["body"]) =>
    callApi(macros.replyWithMacro, { params: { id: ticketId }, body }),
};

/** The product team's macros (staff only: the server refuses everyone else). */
export const useMacros = (enabled = true) =>
  useQuery({
    queryKey: macroKeys.all,
    queryFn: () => callApi(macros.listMacros, {}),
    select: (data) => data.macros,
    enabled,
  });

export function useMacrosRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: macroKeys.all });
}
