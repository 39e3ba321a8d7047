import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as forms from "../../../server/modules/desk/contracts/forms.js";
import type { Request } from "../../../shared/contract.js";
import { callApi } from "../../app/api.js";
import type { TicketType } from "./api.js";

export type {
  FormField,
  FormFieldKind,
  TicketFieldValue,
} from "../../../server/modules/desk/contracts/forms.js";
export type FormFieldBody = Request<typeof forms.addFormField>["body"];

const formKey = (type: TicketType) => ["desk", "forms", type] as const;

/** A ticket type's custom fields, and the studies its study fields offer the reader. */
export const useTicketForm = (type: TicketType) =>
  useQuery({ queryKey: formKey(type), queryFn: () => callApi(forms.getTicketForm, { params: { type } }) });

export function useTicketFormRefresh(type: TicketType) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: formKey(type) });
}

export const formsApi = {
  add: (type: TicketType, body: FormFieldBody) => callApi(forms.addFormField, { params: { type }, body }),
  remove: (id: string) => callApi(forms.removeFormField, { params: { id } }),
};
