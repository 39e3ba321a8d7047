import type { Ctx } from "../context.js";

/**
 * A person's data is spread over the modules; each module that holds some declares it here as an
 * area (`definePersonalDataArea`, in its `personal-data.ts`, imported by its module.ts like its search
 * sources), and the accounts module's export and erasure walk every area. This list is the one place
 * a new table of personal data (API tokens, passkeys, …) joins "download my data" and "erase me":
 * declare its area, and both pick it up.
 */

/** How an erasure treats what the person wrote. */
export type Erasure = {
  userId: string;
  /** Shown instead of the name wherever the person appears ("Former member 4F2A"). */
  pseudonym: string;
  /** The address the account has from now on: unique, at a reserved domain that takes no mail. */
  pseudonymEmail: string;
  /** The address it had: texts that name people by address (@mentions) are rewritten to the new one. */
  formerEmail: string;
  /** Remove what they wrote (tombstones where the module keeps a place for it), else keep it under the pseudonym. */
  removeContent: boolean;
};

export type PersonalDataArea = {
  /** The export's file for this area: `<name>.json`. */
  name: string;
  /**
   * What the person may take with them: JSON-able records of what they wrote or did, with other
   * people named at most as the person sees them anyway (a name, never someone else's address).
   */
  collect: (ctx: Ctx, person: { id: string; email: string }) => Promise<unknown>;
  /** Anonymises the person in this area, inside the erasure's transaction. */
  erase: (ctx: Ctx, erasure: Erasure) => Promise<void>;
};

const areas = new Map<string, PersonalDataArea>();

/** Declares one area of personal data; each name once, by the module that owns the tables. */
export function definePersonalDataArea(area: PersonalDataArea): void {
  if (areas.has(area.name)) throw new Error(`Personal data area ${area.name} is declared twice.`);
  areas.set(area.name, area);
}

/** Every declared area, by name, so an export's files come in the same order each time. */
export function personalDataAreas(): PersonalDataArea[] {
  return [...areas.values()].sort((a, b) => a.name.localeCompare(b.name));
}
