import type { Db } from "../../db/client.js";
import { peopleByIds } from "../accounts/index.js";
import type { ProjectPerson } from "./contracts/common.js";

/**
 * People as project pages show them, looked up once for a whole page: the answer maps an id to its
 * person, and someone no longer found reads as "A former member".
 */
export async function personViews(db: Db, ids: Iterable<string>): Promise<(id: string) => ProjectPerson> {
  const people = await peopleByIds(db, ids);
  return (id) => {
    const person = people.get(id);
    return person
      ? { id, name: person.name, isStaff: person.isStaff, organisationName: person.organisation.name }
      : { id, name: "A former member", isStaff: false, organisationName: "" };
  };
}
