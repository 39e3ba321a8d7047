// The demo project and its people, which the board, documents and feedback demos all build on.
import type { Actor } from "../../platform/context.js";

export type DemoProjectPeople = {
  staff: Actor;
  northwindAdmin: Actor;
  northwindMember: Actor;
  contosoMember: Actor;
};

/** What the documents and feedback demos build on: the demo project and its people. */
export type DemoProject = { projectId: string; people: DemoProjectPeople };
