import { Button, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useNavigate } from "react-router";
import { ideaModuleLabels, ideaModules } from "../../../server/modules/ideas/contracts/ideas.js";
import { useFormSubmit } from "../../app/forms.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { Section } from "../../app/ui/Section.js";
import { type IdeaModule, ideasApi, useIdeaRefresh } from "./api.js";

const moduleOptions = ideaModules.map((module) => ({ value: module, label: ideaModuleLabels[module] }));

type NewIdea = { title: string; problem: string; module: IdeaModule | "" };

export function NewIdeaPage() {
  const navigate = useNavigate();
  const refresh = useIdeaRefresh();
  const form = useForm<NewIdea>({
    initialValues: { title: "", problem: "", module: "" },
    validate: {
      title: isNotEmpty("Give the idea a title."),
      problem: isNotEmpty("Describe the problem the idea solves."),
      module: isNotEmpty("Choose the product area the idea is about."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => ideasApi.create({ ...values, module: values.module as IdeaModule }),
    {
      onSuccess: (idea) => {
        void refresh(idea);
        navigate(`/ideas/${idea.id}`);
      },
    },
  );

  return (
    <Page title="Post an idea" size="md">
      <Section
        title="What would help?"
        description="Describe the problem, not only the solution: it helps others vote and the team decide."
      >
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <TextInput label="Title" required {...form.getInputProps("title")} />
            <Select
              label="Product area"
              data={moduleOptions}
              allowDeselect={false}
              required
              {...form.getInputProps("module")}
            />
            <Textarea
              label="The problem"
              description="Markdown is supported: **bold**, lists, `code`, links."
              autosize
              minRows={6}
              required
              {...form.getInputProps("problem")}
            />
            <Button type="submit" loading={pending} w="fit-content">
              Post idea
            </Button>
          </Stack>
        </form>
      </Section>
    </Page>
  );
}
