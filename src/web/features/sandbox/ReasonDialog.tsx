import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { type ReactNode, useEffect, useState } from "react";
import { isApiError } from "../../app/api.js";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";

type ReasonDialogProps = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  /** Whether a reason must be given (an active study, a withdrawal); otherwise no reason is asked. */
  reasonRequired: boolean;
  reasonLabel?: string;
  pending: boolean;
  /** The failed request, if any: a refusal about `reason` lands on the input, anything else above it. */
  error: unknown;
  onConfirm: (reason: string | undefined) => void;
  onClose: () => void;
};

/** Asks before a change the audit trail records with a reason: closing, removing, withdrawing. */
export function ReasonDialog(props: ReasonDialogProps) {
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (props.opened) {
      setReason("");
      setMissing(false);
    }
  }, [props.opened]);
  const reasonError = isApiError(props.error) ? props.error.fields.reason : undefined;
  const confirm = () => {
    if (props.reasonRequired && !reason.trim()) {
      setMissing(true);
      return;
    }
    props.onConfirm(props.reasonRequired ? reason.trim() : undefined);
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      <Stack>
        <Text size="sm">{props.children}</Text>
        {!reasonError && <ErrorAlert error={props.error} />}
        {props.reasonRequired && (
          <Textarea
            label={props.reasonLabel ?? "Reason"}
            description="Recorded in the audit trail with the change."
            autosize
            minRows={2}
            data-autofocus
            value={reason}
            error={missing ? "Give a reason." : reasonError}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setMissing(false);
            }}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button color={props.color} loading={props.pending} onClick={confirm}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
