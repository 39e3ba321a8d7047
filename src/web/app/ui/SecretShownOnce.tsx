import { Alert, Button, Code, CopyButton, Group, Stack, Text } from "@mantine/core";

/** A new credential's secret, shown this once (the server keeps only its hash), with a copy button. */
export function SecretShownOnce(props: {
  title: string;
  instructions: string;
  secret: string;
  testId: string;
  onDone: () => void;
}) {
  return (
    <Alert color="yellow" variant="light" title={props.title}>
      <Stack gap="sm">
        <Text size="sm">{props.instructions}</Text>
        <Code block data-testid={props.testId} style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
          {props.secret}
        </Code>
        <Group>
          <CopyButton value={props.secret}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? "Copied" : "Copy token"}
              </Button>
            )}
          </CopyButton>
          <Button onClick={props.onDone}>I have saved it</Button>
        </Group>
      </Stack>
    </Alert>
  );
}
