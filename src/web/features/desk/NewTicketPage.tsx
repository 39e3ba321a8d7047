import {
  Alert,
  Box,
  Button,
  Checkbox,
  Code,
  Input,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { hasLength, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { Section } from "../../app/ui/Section.js";
import { ArticleSuggestions } from "../knowledge/ArticleSuggestions.js";
import { deskApi, deskKeys, sandboxPageProblem, type TicketImpact, type TicketType } from "./api.js";
import { CustomFields, showFieldErrors } from "./CustomFields.js";
import { ticketTypeOptions } from "./labels.js";
import { impactOptions } from "./sla-labels.js";
import { discardTicketDraft, keepTicketDraft, readTicketDraft } from "./ticket-draft.js";

// Access requests come in through the public form, not from members.
const typeOptions = ticketTypeOptions.filter((option) => option.value !== "access_request");

type NewTicket = {
  type: TicketType;
  subject: string;
  description: string;
  sharedWithOrganisation: boolean;
  /** "" until the customer says; the ticket then starts at normal priority. */
  impact: TicketImpact | "";
  files: File[];
  /** The type's custom fields, by key. */
  fields: Record<string, string>;
};

/**
 * Opens the ticket, then uploads its files; a file that fails is reported, the ticket stays. A
 * development-environment question carries the page it was asked from.
 */
async function openTicketWithFiles({ files, impact, ...ticket }: NewTicket, page: string | null) {
  const context = page && ticket.type === "dev_environment_question" ? { context: { page } } : {};
  const created = await deskApi.open({ ...ticket, ...(impact ? { impact } : {}), ...context });
  const failures: string[] = [];
  for (const file of files) {
    await deskApi
      .attach(created.id, file)
      .catch((error: Error) => failures.push(`${file.name}: ${error.message}`));
  }
  return { created, failures };
}

export function NewTicketPage() {
  const me = useSignedInMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // `?type=dev_environment_question` (the sandbox's "ask the service desk" link) preselects the type.
  const [searchParams] = useSearchParams();
  const requestedType = searchParams.get("type");
  // `&from=` is the sandbox page whose "Report a problem" link led here; anything else is ignored.
  const from = searchParams.get("from");
  const fromPage = from !== null && sandboxPageProblem(from) === null ? from : null;
  const form = useForm<NewTicket>({
    initialValues: {
      type: typeOptions.find((option) => option.value === requestedType)?.value ?? "support_question",
      subject: "",
      description: "",
      sharedWithOrganisation: false,
      impact: "",
      files: [],
      fields: {},
    },
    validate: {
      type: isNotEmpty("Choose a type."),
      subject: hasLength({ min: 3 }, "Write a subject of at least 3 characters."),
      description: isNotEmpty("Describe what you need."),
    },
  });
  // The draft comes back after its author read a suggested article; it is read once the page runs in
  // the browser, since the server's first render cannot see the tab's storage.
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const draft = readTicketDraft();
    if (!draft) return;
    const type = typeOptions.find((option) => option.value === draft.type)?.value ?? form.getValues().type;
    form.setValues({ ...draft, type });
  }, [form]);
  const { type, subject, description, sharedWithOrganisation } = form.values;
  useEffect(() => {
    if (restored.current) keepTicketDraft({ type, subject, description, sharedWithOrganisation });
  }, [type, subject, description, sharedWithOrganisation]);
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (ticket) => openTicketWithFiles(ticket, fromPage),
    {
      onSuccess: ({ created, failures }) => {
        discardTicketDraft();
        if (failures.length > 0) notifyFailure(`Some files were not attached. ${failures.join(" ")}`);
        void queryClient.invalidateQueries({ queryKey: deskKeys.tickets });
        navigate(`/desk/tickets/${created.id}`);
      },
      onError: (failure) => showFieldErrors(form, failure),
    },
  );

  return (
    <Page title="New ticket" size="md">
      <Section title="What do you need?" description="The product team answers here and by e-mail.">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            <Select
              label="Type"
              data={typeOptions}
              allowDeselect={false}
              required
              {...form.getInputProps("type")}
            />
            <TextInput label="Subject" {...form.getInputProps("subject")} />
            <Select
              label="How does this affect your work?"
              description="The product team sets the ticket's priority from it."
              placeholder="Choose the impact"
              data={impactOptions}
              clearable
              {...form.getInputProps("impact")}
              onChange={(value) => form.setFieldValue("impact", (value as TicketImpact | null) ?? "")}
            />
            <ArticleSuggestions text={`${subject}\n${description}`} />
            <Textarea
              label="Description"
              description="Markdown is supported: **bold**, lists, `code`, links."
              autosize
              minRows={6}
              required
              {...form.getInputProps("description")}
            />
            <CustomFields type={type} form={form} />
            {fromPage && type === "dev_environment_question" && (
              <Alert color="blue" variant="light" p="sm" data-testid="ticket-context-notice">
                <Text size="sm">
                  This ticket will carry: the page you were on (
                  <Code style={{ overflowWrap: "anywhere" }}>{fromPage}</Code>), the environment's build and
                  version, and the feature flag states.
                </Text>
              </Alert>
            )}
            <Checkbox
              label="Share with my organisation"
              description={`Colleagues at ${me.organisation.name} can read and follow this ticket.`}
              {...form.getInputProps("sharedWithOrganisation", { type: "checkbox" })}
            />
            <Input.Wrapper
              id="new-ticket-files"
              label="Attachments"
              description="Screenshots, logs or documents, up to 25 MB each."
            >
              <Box mt={4}>
                <input
                  id="new-ticket-files"
                  type="file"
                  multiple
                  onChange={(event) =>
                    form.setFieldValue("files", Array.from(event.currentTarget.files ?? []))
                  }
                />
              </Box>
              {form.values.files.length > 0 && (
                <Text size="xs" c="dimmed" mt={4}>
                  Attached after the ticket opens: {form.values.files.map((file) => file.name).join(", ")}
                </Text>
              )}
            </Input.Wrapper>
            <Button type="submit" loading={pending} w="fit-content">
              Open ticket
            </Button>
          </Stack>
        </form>
      </Section>
    </Page>
  );
}
