import type {
  ImportRunStatus,
  ImportSource,
  UnknownPeople,
} from "../../../server/modules/imports/contracts/imports.js";

export const statusLabels: Record<ImportRunStatus, string> = {
  surveying: "Surveying",
  ready: "Ready to import",
  importing: "Importing",
  imported: "Imported",
  failed: "Failed",
  interrupted: "Interrupted",
};

export const statusColours: Record<ImportRunStatus, string> = {
  surveying: "blue",
  ready: "yellow",
  importing: "blue",
  imported: "green",
  failed: "red",
  interrupted: "orange",
};

export const unknownPeopleLabels: Record<UnknownPeople, string> = {
  placeholder: "Create placeholder accounts they claim when they join",
  skip: "Leave them out (their messages are kept under 'Former member')",
};

/** What each source brings and where it goes, under its choice in the upload form. */
export const sourceDescriptions: Record<ImportSource, string> = {
  slack:
    "The zip of a workspace export: channels, direct messages, threads, reactions and files go into chat.",
  groupsio:
    "The group's export zip, or its messages as an mbox: topics and messages go into the group you name.",
  basecamp: "The zip of a project export: messages, comments, documents and files go into a project.",
};

/** Where an imported export's content is found, by source. */
export function destinationOf(
  source: ImportSource,
  groupHandle: string | null,
): { to: string; label: string } {
  if (source === "groupsio" && groupHandle) return { to: `/groups/${groupHandle}`, label: "Open the group" };
  if (source === "groupsio") return { to: "/groups", label: "Open groups" };
  if (source === "basecamp") return { to: "/projects", label: "Open projects" };
  return { to: "/chat", label: "Open chat" };
}

/** Count keys whose words alone would read badly. */
const countLabels: Record<string, string> = {
  filesLinked: "Files linked (not in the export)",
  noticesLeftOut: "Join and leave notices left out",
};

/**
 * A count's key as words: the keys vary by source, so an unknown one reads from its camelCase
 * ("filesInExport" -> "Files in export", "digestsSkipped" -> "Digests skipped").
 */
export function countLabel(key: string): string {
  const known = countLabels[key];
  if (known) return known;
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .map((word) => (/^[A-Z\d]+$/.test(word) && word.length > 1 ? word : word.toLowerCase()));
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
