import { describe, expect, it } from "vitest";
import { fillMacroBody } from "./fill-macro.js";

describe("macro placeholders", () => {
  it("fills the known placeholders and leaves an unknown one as written", () => {
    const filled = fillMacroBody("Hi {{requester.firstName}}, #{{ ticket.number }} {{ticket.colour}}", {
      "requester.name": "Ned Member",
      "requester.firstName": "Ned",
      "ticket.number": "7",
      "ticket.subject": "S",
      "agent.name": "Sam Staff",
      "agent.firstName": "Sam",
    });
    expect(filled).toBe("Hi Ned, #7 {{ticket.colour}}");
  });
});
