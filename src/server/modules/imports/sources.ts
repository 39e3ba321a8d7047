/** Every source Convene imports from, by its name in the CLI and the API. */

import { basecampImporter } from "./basecamp/importer.js";
import { groupsioImporter } from "./groupsio/importer.js";
import type { ImportSource, SourceImporter } from "./model.js";
import { slackImporter } from "./slack/importer.js";

export const importers: Partial<Record<ImportSource, SourceImporter>> = {
  slack: slackImporter,
  basecamp: basecampImporter,
  groupsio: groupsioImporter,
};
