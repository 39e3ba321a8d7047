import { Select, SimpleGrid, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { useOrganisations } from "../admin/api.js";
import { type TicketFilters, useStaff } from "./api.js";
import { ticketStatusOptions, ticketTypeOptions } from "./labels.js";
import { priorityOptions } from "./sla-labels.js";

const sortOptions = [
  { value: "updated", label: "Recently updated" },
  { value: "due", label: "Due soonest" },
];

type Props = { filters: TicketFilters; onChange: (change: Partial<TicketFilters>) => void };

export function QueueFilters({ filters, onChange }: Props) {
  const staff = useStaff();
  const organisations = useOrganisations();
  const [text, setText] = useState(filters.q);
  const search = useDebouncedCallback((q: string) => onChange({ q }), 300);

  const assigneeOptions = [
    { value: "me", label: "Me" },
    { value: "none", label: "Unassigned" },
    ...(staff.data ?? []).map((person) => ({ value: person.id, label: person.name })),
  ];
  const organisationOptions = (organisations.data ?? []).map((organisation) => ({
    value: organisation.id,
    label: organisation.name,
  }));
  const select = (name: keyof TicketFilters) => ({
    value: filters[name] || null,
    onChange: (value: string | null) => onChange({ [name]: value ?? "" }),
    placeholder: "Any",
    clearable: true,
  });

  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4, lg: 7 }} spacing="sm">
      <TextInput
        label="Search"
        placeholder="Words in subject or description"
        type="search"
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          search(event.currentTarget.value);
        }}
      />
      <Select label="Type" data={ticketTypeOptions} {...select("type")} />
      <Select label="Status" data={ticketStatusOptions} {...select("status")} />
      <Select label="Assignee" data={assigneeOptions} searchable {...select("assigneeId")} />
      <Select label="Organisation" data={organisationOptions} searchable {...select("organisationId")} />
      <Select label="Priority" data={priorityOptions} {...select("priority")} />
      <Select
        label="Sort"
        data={sortOptions}
        value={filters.sort || "updated"}
        onChange={(value) => onChange({ sort: value === "due" ? "due" : "" })}
        allowDeselect={false}
      />
    </SimpleGrid>
  );
}
