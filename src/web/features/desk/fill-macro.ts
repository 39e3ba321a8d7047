import type { MacroPlaceholder } from "../../../server/modules/desk/contracts/macros.js";

/**
 * Fills `{{requester.firstName}}` and the other placeholders; an unknown one is left as written so
 * a typo shows in the reply box rather than disappearing.
 */
export function fillMacroBody(body: string, values: Record<MacroPlaceholder, string>): string {
  return body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name: string) =>
    name in values ? values[name as MacroPlaceholder] : whole,
  );
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;
