import { Paper } from "@mantine/core";
import type { ReactNode } from "react";
import { Page } from "../../app/ui/Page.js";

/** The narrow, centred frame of the sign-in, invitation and password pages. */
export function AccountCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Page title={title} size={480}>
      <Paper withBorder p="lg">
        {children}
      </Paper>
    </Page>
  );
}
