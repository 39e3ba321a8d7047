// Volunteer data in bulk: the PHI guard, the synthetic generator, the baseline and obfuscating imports.
export { type BaselineOptions, seedSandboxBaseline } from "./baseline.js";
export { prepareVolunteerImport } from "./imports.js";
export { type FieldKind, guardRecord } from "./phi-guard.js";
export {
  ageOn,
  computeBmi,
  createSfc32Randomizer,
  DEFAULT_SEED,
  generateVolunteers,
  type SyntheticVolunteer,
} from "./synthetic.js";
