import { Button, Group as Row, Select, SimpleGrid, Stack, Textarea, TextInput } from "@mantine/core";
import { isNotEmpty, useForm } from "@mantine/form";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import {
  type Group,
  joinPolicyOptions,
  type NewGroup,
  postingPolicyOptions,
  replyToOptions,
  visibilityOptions,
} from "./groups-api.js";

type Props = {
  /** The group whose settings are changed; without it the form creates a new group. */
  group?: Group;
  submitLabel: string;
  submit: (values: NewGroup) => Promise<Group>;
  onSaved: (group: Group) => void;
};

/** A group's name, texts and policies; a new group also chooses its handle, which never changes. */
export function GroupSettingsForm({ group, submitLabel, submit, onSaved }: Props) {
  const creating = group === undefined;
  const form = useForm<NewGroup>({
    initialValues: {
      handle: group?.handle ?? "",
      name: group?.name ?? "",
      description: group?.description ?? "",
      guidelines: group?.guidelines ?? "",
      visibility: group?.visibility ?? "listed",
      joinPolicy: group?.joinPolicy ?? "open",
      postingPolicy: group?.postingPolicy ?? "all",
      replyTo: group?.replyTo ?? "group",
    },
    validate: {
      name: isNotEmpty("Name the group."),
      handle: (value) =>
        creating && !value.trim() ? "Choose the handle used in the group's address." : null,
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values: NewGroup) => submit({ ...values, handle: values.handle.trim().toLowerCase() }),
    {
      onSuccess: (saved: Group) => {
        notifySuccess(creating ? `${saved.name} created.` : "Settings saved.");
        onSaved(saved);
      },
      afterSuccess: creating ? "reset" : "keep",
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <TextInput
          label="Name"
          placeholder="Phase 1 site operations"
          required
          {...form.getInputProps("name")}
        />
        {creating && (
          <TextInput
            label="Handle"
            description="Lowercase letters, digits and hyphens; the group's e-mail address is handle@ this site's mail domain."
            placeholder="site-ops"
            {...form.getInputProps("handle")}
          />
        )}
        <Textarea
          label="Description"
          description="What the group is about. Markdown is supported."
          autosize
          minRows={2}
          {...form.getInputProps("description")}
        />
        <Textarea
          label="Guidelines"
          description="How members are expected to behave. Markdown is supported."
          autosize
          minRows={2}
          {...form.getInputProps("guidelines")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Visibility"
            data={visibilityOptions}
            allowDeselect={false}
            {...form.getInputProps("visibility")}
          />
          <Select
            label="Who may join"
            data={joinPolicyOptions}
            allowDeselect={false}
            {...form.getInputProps("joinPolicy")}
          />
          <Select
            label="Posting"
            data={postingPolicyOptions}
            allowDeselect={false}
            {...form.getInputProps("postingPolicy")}
          />
          <Select
            label="Replies to group e-mail"
            data={replyToOptions}
            allowDeselect={false}
            {...form.getInputProps("replyTo")}
          />
        </SimpleGrid>
        <Row justify="flex-end">
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
