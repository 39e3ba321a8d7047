import { MultiSelect } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { type Contact, usePeople } from "./api.js";

type PeoplePickerProps = {
  label: string;
  value: Contact[];
  onChange: (people: Contact[]) => void;
  max: number;
  /** People who cannot be picked: yourself, or those already in. */
  excludeIds: string[];
  error?: string | null;
};

/** Picks people by name or address, searching the whole community as one types. */
export function PeoplePicker({ label, value, onChange, max, excludeIds, error }: PeoplePickerProps) {
  const [search, setSearch] = useState("");
  // Closed after each pick, so the list never hides the form's button; typing opens it again.
  const [opened, setOpened] = useState(false);
  const [q] = useDebouncedValue(search, 200);
  const people = usePeople(q);
  const found = (people.data ?? []).filter(
    (person) => !excludeIds.includes(person.id) && !value.some((chosen) => chosen.id === person.id),
  );
  const byId = new Map([...value, ...found].map((person) => [person.id, person]));
  return (
    <MultiSelect
      label={label}
      data={[...byId.values()].map((person) => ({
        value: person.id,
        label: `${person.name} (${person.organisation.name})`,
      }))}
      value={value.map((person) => person.id)}
      onChange={(ids) => {
        onChange(ids.flatMap((id) => byId.get(id) ?? []));
        setOpened(false);
      }}
      dropdownOpened={opened}
      onDropdownOpen={() => setOpened(true)}
      onDropdownClose={() => setOpened(false)}
      searchable
      searchValue={search}
      onSearchChange={(text) => {
        setSearch(text);
        if (text) setOpened(true);
      }}
      filter={({ options }) => options}
      maxValues={max}
      nothingFoundMessage={people.isFetching ? "Searching…" : "Nobody by that name"}
      hidePickedOptions
      error={error}
      data-autofocus
    />
  );
}
