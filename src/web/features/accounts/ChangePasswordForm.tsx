import { Button, Checkbox, PasswordInput, Stack } from "@mantine/core";
import { hasLength, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useFormSubmit } from "../../app/forms.js";
import { notifySuccess } from "../../app/notify.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Section } from "../../app/ui/Section.js";
import { accountKeys, accountsApi } from "./api.js";

export function ChangePasswordForm() {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { currentPassword: "", newPassword: "", revokeApiTokens: true },
    validate: {
      currentPassword: isNotEmpty("Enter your current password."),
      newPassword: hasLength({ min: 10 }, "Use at least 10 characters."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(form, accountsApi.changePassword, {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: accountKeys.sessions });
      void queryClient.invalidateQueries({ queryKey: accountKeys.apiTokens });
      notifySuccess("Your password is changed.");
    },
  });

  return (
    <Section title="Password">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            {...form.getInputProps("currentPassword")}
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters"
            autoComplete="new-password"
            {...form.getInputProps("newPassword")}
          />
          <Checkbox
            label="Also revoke my API tokens"
            description="Someone who knew your old password could have made one."
            {...form.getInputProps("revokeApiTokens", { type: "checkbox" })}
          />
          <Button type="submit" loading={pending} w="fit-content">
            Change password
          </Button>
        </Stack>
      </form>
    </Section>
  );
}
