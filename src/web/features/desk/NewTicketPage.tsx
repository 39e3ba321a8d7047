import { Box, Button, Checkbox, Input, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { hasLength, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";
import { useFormSubmit } from "../../app/forms.js";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { Section } from "../../app/ui/Section.js";
import { deskApi, deskKeys, type TicketType } from "./api.js";
import { ticketTypeOptions } from "./labels.js";

// Access requests come in through the public form, not from members.
const typeOptions = ticketTypeOptions.filter((option) => option.value !== "access_request");

type NewTicket = {
  type: TicketType;
  subject: string;
  description: string;
  sharedWithOrganisation: boolean;
  files: File[];
};

/** Opens the ticket, then uploads its files; a file that fails is reported, the ticket stays. */
async function openTicketWithFiles({ files, ...ticket }: NewTicket) {
  const created = await deskApi.open(ticket);
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
  const form = useForm<NewTicket>({
    initialValues: {
      type: typeOptions.find((option) => option.value === requestedType)?.value ?? "support_question",
      subject: "",
      description: "",
      sharedWithOrganisation: false,
      files: [],
    },
    validate: {
      type: isNotEmpty("Choose a type."),
      subject: hasLength({ min: 3 }, "Write a subject of at least 3 characters."),
      description: isNotEmpty("Describe what you need."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, openTicketWithFiles, {
    onSuccess: ({ created, failures }) => {
      if (failures.length > 0) notifyFailure(`Some files were not attached. ${failures.join(" ")}`);
      void queryClient.invalidateQueries({ queryKey: deskKeys.tickets });
      navigate(`/desk/tickets/${created.id}`);
    },
  });

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
            <Textarea
              label="Description"
              description="Markdown is supported: **bold**, lists, `code`, links."
              autosize
              minRows={6}
              required
              {...form.getInputProps("description")}
            />
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
