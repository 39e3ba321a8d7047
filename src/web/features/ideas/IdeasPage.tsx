import { Button, Group, Select, Stack, Text } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import {
  ideaModuleLabels,
  ideaModules,
  ideaStatuses,
  ideaStatusLabels,
} from "../../../server/modules/ideas/contracts/ideas.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { type IdeaFilters, useIdeaEvents, useIdeas } from "./api.js";
import { IdeaCard } from "./IdeaBits.js";

const statusOptions = ideaStatuses.map((status) => ({ value: status, label: ideaStatusLabels[status] }));
const moduleOptions = ideaModules.map((module) => ({ value: module, label: ideaModuleLabels[module] }));
const sortOptions = [
  { value: "votes", label: "Most voted" },
  { value: "newest", label: "Newest" },
];

/** The address's filters, each kept only when it is one the list knows. */
function filtersFrom(params: URLSearchParams): IdeaFilters {
  const pick = <T extends string>(name: string, values: readonly T[]) => {
    const value = params.get(name);
    return values.find((known) => known === value);
  };
  return {
    status: pick("status", ideaStatuses),
    module: pick("module", ideaModules),
    sort: pick("sort", ["votes", "newest"] as const),
  };
}

export function IdeasPage() {
  useIdeaEvents();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const ideas = useIdeas(filters);
  const choose = (name: keyof IdeaFilters) => (value: string | null) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  return (
    <Page
      title="Ideas"
      actions={
        <Group gap="sm">
          <Button component={Link} to="/ideas/roadmap" variant="default">
            Roadmap
          </Button>
          <Button component={Link} to="/ideas/new">
            Post an idea
          </Button>
        </Group>
      }
    >
      <Text c="dimmed">
        What would make Convene better for your unit? Vote for the ideas you need; the product team tells
        everyone who voted as an idea moves from review to release.
      </Text>
      <Group gap="sm" align="flex-end">
        <Select
          label="Status"
          placeholder="Any status"
          data={statusOptions}
          value={filters.status ?? null}
          onChange={choose("status")}
          clearable
          w={180}
        />
        <Select
          label="Product area"
          placeholder="Any area"
          data={moduleOptions}
          value={filters.module ?? null}
          onChange={choose("module")}
          clearable
          w={220}
        />
        <Select
          label="Order"
          data={sortOptions}
          value={filters.sort ?? "votes"}
          onChange={choose("sort")}
          allowDeselect={false}
          w={160}
        />
      </Group>
      {ideas.isPending ? (
        <PageLoader />
      ) : ideas.isError ? (
        <ErrorAlert error={ideas.error} />
      ) : ideas.data.length === 0 ? (
        <Text>No ideas match. Post the first one.</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }} aria-label="Ideas">
          {ideas.data.map((idea) => (
            <IdeaCard key={idea.id} idea={idea} />
          ))}
        </Stack>
      )}
    </Page>
  );
}
