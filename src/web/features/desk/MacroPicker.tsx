import { Select, Text } from "@mantine/core";
import { useSignedInMe } from "../../app/gates.js";
import type { Ticket } from "./api.js";
import { fillMacroBody, firstName } from "./fill-macro.js";
import { ticketStatusLabels } from "./labels.js";
import { type Macro, useMacros } from "./macros-api.js";

/** What sending the macro also does, in words: "Sending also sets status Resolved and assigns you." */
export function macroEffects(macro: Pick<Macro, "status" | "assignee">, staffName?: string): string | null {
  const effects = [
    macro.status ? `sets status ${ticketStatusLabels[macro.status]}` : null,
    macro.assignee === "me"
      ? "assigns the ticket to the sender"
      : macro.assignee === "none"
        ? "unassigns the ticket"
        : macro.assignee
          ? `assigns the ticket to ${staffName ?? "a team member"}`
          : null,
  ].filter(Boolean);
  return effects.length > 0 ? `Sending also ${effects.join(" and ")}.` : null;
}

type MacroPickerProps = {
  ticket: Ticket;
  chosen: Macro | null;
  onChoose: (macro: Macro | null, filledBody: string) => void;
};

/** Staff pick a macro: its reply, placeholders filled for this ticket, goes into the reply box. */
export function MacroPicker({ ticket, chosen, onChoose }: MacroPickerProps) {
  const me = useSignedInMe();
  const macros = useMacros();
  const options = (macros.data ?? []).map((macro) => ({ value: macro.id, label: macro.name }));
  const choose = (id: string | null) => {
    const macro = macros.data?.find((candidate) => candidate.id === id) ?? null;
    const body = macro
      ? fillMacroBody(macro.body, {
          "requester.name": ticket.requester.name,
          "requester.firstName": firstName(ticket.requester.name),
          "ticket.number": String(ticket.number),
          "ticket.subject": ticket.subject,
          "agent.name": me.name,
          "agent.firstName": firstName(me.name),
        })
      : "";
    onChoose(macro, body);
  };
  const effects = chosen ? macroEffects(chosen) : null;
  return (
    <div>
      <Select
        label="Macro"
        placeholder={macros.isPending ? "Loading macros…" : "Reply with a macro"}
        data={options}
        value={chosen?.id ?? null}
        onChange={choose}
        clearable
        searchable
        nothingFoundMessage="No macro by that name"
      />
      {effects && (
        <Text size="sm" c="dimmed" mt={4}>
          {effects}
        </Text>
      )}
    </div>
  );
}
