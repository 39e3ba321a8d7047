import { Anchor } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { ErrorAlert } from "../../app/ui/ErrorAlert.js";
import { Page } from "../../app/ui/Page.js";
import { PageLoader } from "../../app/ui/PageLoader.js";
import { importKeys, isSettled, useImportRun } from "./api.js";
import { ImportRunView } from "./ImportRunView.js";

const backLink = (
  <Anchor component={Link} to="/admin/imports">
    All imports
  </Anchor>
);

/**
 * `/admin/imports/:id`: one import, asked for every second while it surveys or imports (progress),
 * then its dry-run report and the button that imports it, resumes it, or links to what it wrote.
 */
export function ImportRunPage() {
  const { id = "" } = useParams();
  const run = useImportRun(id);
  const queryClient = useQueryClient();
  const settledStatus = run.data && isSettled(run.data.status) ? run.data.status : null;
  // The list of runs shows each one's status: told when this one stops moving.
  useEffect(() => {
    if (settledStatus) void queryClient.invalidateQueries({ queryKey: importKeys.runs });
  }, [settledStatus, queryClient]);

  if (run.isPending)
    return (
      <Page title="Import" actions={backLink}>
        <PageLoader />
      </Page>
    );
  if (run.isError)
    return (
      <Page title="Import" actions={backLink}>
        <ErrorAlert error={run.error} />
      </Page>
    );
  return (
    <Page title={run.data.title} actions={backLink}>
      <ImportRunView run={run.data} />
    </Page>
  );
}
