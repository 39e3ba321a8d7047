import { Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { hasLength, isNotEmpty, useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router";
import { formatDate } from "../../app/format.js";
import { useFormSubmit } from "../../app/forms.js";
import { meQueryKey } from "../../app/session.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { AccountCard } from "./AccountCard.js";
import { accountsApi, type InvitationPreview, useInvitationPreview } from "./api.js";
import { LinkNoLongerValid } from "./LinkNoLongerValid.js";

function CreateAccountForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: "", password: "" },
    validate: {
      name: isNotEmpty("Enter your name."),
      password: hasLength({ min: 10 }, "Use at least 10 characters."),
    },
  });
  const { onSubmit, error, pending } = useFormSubmit(
    form,
    (values) => accountsApi.acceptInvitation(token, values),
    {
      onSuccess: ({ user }) => {
        queryClient.clear();
        queryClient.setQueryData(meQueryKey, user);
        navigate("/", { replace: true });
      },
    },
  );

  return (
    <AccountCard title={`Join ${invitation.organisation.name} on Convene`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            You were invited to the community. Choose your name and a password to create your account. This
            invitation expires on {formatDate(invitation.expiresAt)}.
          </Text>
          <ErrorAlert error={error} />
          <TextInput
            label="E-mail"
            value={invitation.email}
            readOnly
            variant="filled"
            autoComplete="username"
          />
          <TextInput label="Name" required autoComplete="name" {...form.getInputProps("name")} />
          <PasswordInput
            label="Password"
            required
            description="At least 10 characters"
            autoComplete="new-password"
            {...form.getInputProps("password")}
          />
          <Button type="submit" loading={pending} w="fit-content">
            Create account
          </Button>
        </Stack>
      </form>
    </AccountCard>
  );
}

export function AcceptInvitationPage() {
  const { token = "" } = useParams();
  const invitation = useInvitationPreview(token);
  if (invitation.isPending) return <PageLoader />;
  if (invitation.isError) {
    return (
      <LinkNoLongerValid
        error={invitation.error}
        message="This invitation link is no longer valid: it has expired, been used or been revoked. Ask a colleague for a new one."
        action={{ to: "/", label: "Go to the home page" }}
      />
    );
  }
  return <CreateAccountForm token={token} invitation={invitation.data} />;
}
