import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../app/api.js";
import { documentsApi, type EditConflictDetails, editConflictOf } from "./documents-api.js";

const theirs: EditConflictDetails = {
  currentVersion: 2,
  theirs: {
    title: "Dispensing checklist",
    body: "Check the expiry date against the dispensing date.",
    author: {
      id: "0194f7a0-0000-7000-8000-000000000002",
      name: "Nora North",
      isStaff: false,
      organisationName: "Northwind",
    },
    at: "2026-11-25T20:00:00.000Z",
  },
  diff: [
    { op: "delete", text: "Check the expiry date." },
    { op: "insert", text: "Check the expiry date against the dispensing date." },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe("editConflictOf", () => {
  it("hands over the other side of a refused save, as the server sent it in the error's details", async () => {
    const body = {
      error: { code: "edit_conflict", message: "Someone saved a newer version.", details: theirs },
    };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(body), { status: 409, statusText: "Conflict" })),
    );
    const failure = await documentsApi
      .save("project", "document", { title: "Dispensing checklist", body: "Mine", baseVersion: 1 })
      .catch((error: unknown) => error);
    expect(editConflictOf(failure)).toEqual(theirs);
  });

  it("answers null for any other error, so it is shown as a plain failure", () => {
    expect(editConflictOf(new ApiError(409, "conflict", "Taken.", {}, { currentVersion: 2 }))).toBeNull();
    expect(editConflictOf(new Error("network"))).toBeNull();
  });

  it("answers null for an edit conflict whose details are missing, rather than showing an empty comparison", () => {
    expect(editConflictOf(new ApiError(409, "edit_conflict", "Someone saved a newer version."))).toBeNull();
  });
});
