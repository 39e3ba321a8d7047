import { Badge, Button, Group } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSignedInMe } from "../../app/gates.js";
import { notifyFailure, notifySuccess } from "../../app/notify.js";
import { type AdminUser, adminApi, adminKeys, type UserChange } from "./api.js";
import { EraseUserDialog } from "./EraseUserDialog.js";

type Action = { label: string; change: UserChange; done: string; danger?: boolean };

function actionsFor(user: AdminUser): Action[] {
  return [
    user.status === "active"
      ? {
          label: "Deactivate",
          change: { status: "deactivated" },
          done: "is deactivated and signed out",
          danger: true,
        }
      : { label: "Reactivate", change: { status: "active" }, done: "is active again" },
    user.isOrgAdmin
      ? {
          label: "Remove org admin",
          change: { isOrgAdmin: false },
          done: "is no longer an organisation admin",
        }
      : { label: "Make org admin", change: { isOrgAdmin: true }, done: "is now an organisation admin" },
    user.isStaff
      ? {
          label: "Remove staff",
          change: { isStaff: false },
          done: "is no longer on the product team",
          danger: true,
        }
      : { label: "Make staff", change: { isStaff: true }, done: "is now on the product team" },
  ];
}

export function UserActions({ user }: { user: AdminUser }) {
  const queryClient = useQueryClient();
  const [erasing, setErasing] = useState(false);
  // One's own account is erased by asking on one's profile, never from here.
  const isMe = useSignedInMe().id === user.id;
  const update = useMutation({
    mutationFn: (action: Action) => adminApi.updateUser(user.id, action.change),
    onSuccess: (updated, action) => {
      notifySuccess(`${updated.name} ${action.done}.`);
      return queryClient.invalidateQueries({ queryKey: adminKeys.allUsers });
    },
    onError: (error) => notifyFailure(error.message),
  });

  if (user.erased)
    return (
      <Badge variant="outline" color="gray">
        Erased
      </Badge>
    );
  if (user.placeholder)
    return (
      <Badge variant="outline" color="gray" title="Imported; their invitation claims it">
        Imported placeholder
      </Badge>
    );
  return (
    <Group gap={6} wrap="nowrap">
      {actionsFor(user).map((action) => (
        <Button
          key={action.label}
          size="compact-xs"
          variant="light"
          color={action.danger ? "red" : undefined}
          onClick={() => update.mutate(action)}
          disabled={update.isPending}
          loading={update.isPending && update.variables?.label === action.label}
        >
          {action.label}
        </Button>
      ))}
      {!isMe && (
        <Button size="compact-xs" variant="light" color="red" onClick={() => setErasing(true)}>
          Erase…
        </Button>
      )}
      <EraseUserDialog user={user} opened={erasing} onClose={() => setErasing(false)} />
    </Group>
  );
}
