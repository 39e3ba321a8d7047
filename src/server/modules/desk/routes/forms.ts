import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/forms.js";
import { addFormField, getTicketForm, removeFormField, updateFormField } from "../forms.js";

export function formRoutes(route: Route): void {
  route(contract.getTicketForm, ({ ctx, params }) => getTicketForm(ctx, params.type));
  route(contract.addFormField, ({ ctx, params, body }) => addFormField(ctx, params.type, body));
  route(contract.updateFormField, ({ ctx, params, body }) => updateFormField(ctx, params.id, body));
  route(contract.removeFormField, ({ ctx, params }) => removeFormField(ctx, params.id));
}
