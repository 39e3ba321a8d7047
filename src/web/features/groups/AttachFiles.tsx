import { Button, FileButton, Pill, Group as Row } from "@mantine/core";

/** Files chosen to go with a message; each can be taken off again before posting. */
export function AttachFiles({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  return (
    <Row gap={4}>
      <FileButton onChange={(chosen) => onChange([...files, ...chosen])} multiple>
        {(props) => (
          <Button {...props} variant="default" size="xs">
            Attach files
          </Button>
        )}
      </FileButton>
      {files.map((file) => (
        <Pill
          key={`${file.name}-${file.size}`}
          withRemoveButton
          onRemove={() => onChange(files.filter((kept) => kept !== file))}
          removeButtonProps={{ "aria-label": `Remove ${file.name}` }}
        >
          {file.name}
        </Pill>
      ))}
    </Row>
  );
}
