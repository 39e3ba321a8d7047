import type { QueryKey } from "@tanstack/react-query";
import { projectChanged } from "../../../server/modules/projects/contracts/activity.js";
import { type LiveRule, type StaleQuery, useLiveQueries, whenEvent } from "../../app/live.js";
import { documentKeys } from "./documents-api.js";
import { feedbackKeys } from "./feedback-api.js";
import { projectKeys } from "./projects-api.js";

/** What one kind of project item shows in, besides the timelines. */
function staleItemQueries(projectId: string, itemType: string, itemId: string): StaleQuery[] {
  const files: QueryKey = ["projects", "one", projectId, "files"];
  switch (itemType) {
    case "project":
      // The project's own key starts every one of its lists' keys: only the header and the lists go.
      return [{ queryKey: projectKeys.project(projectId), exact: true }, ["projects", "list"]];
    case "post":
      return [["projects", "one", projectId, "posts"], projectKeys.post(projectId, itemId)];
    case "document":
      // The open document is not fetched again under its reader: its page offers the new version.
      return [
        { queryKey: documentKeys.all(projectId), exact: true },
        documentKeys.versions(projectId, itemId),
      ];
    case "folder":
      return [projectKeys.folders(projectId), files];
    case "file":
      return [projectKeys.folders(projectId), files, projectKeys.file(projectId, itemId)];
    case "feedback_round":
      return [feedbackKeys.rounds(projectId)];
    default:
      return [];
  }
}

/**
 * What a change in a project makes stale on open pages (the server tells only those who may read the
 * change): the item's lists and the item, and the timelines, the project's and "what happened lately".
 */
export const projectsLive: LiveRule[] = [
  whenEvent(projectChanged, ({ projectId, itemType, itemId }) => [
    projectKeys.activity(projectId),
    projectKeys.activity(null),
    ...staleItemQueries(projectId, itemType, itemId),
  ]),
];

/** Keeps the projects pages in step with the people working in them (see `projectsLive`). */
export function useProjectsLive(): void {
  useLiveQueries(projectsLive);
}
