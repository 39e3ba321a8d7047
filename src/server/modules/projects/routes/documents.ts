import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/documents.js";
import * as documents from "../documents.js";

/** Versioned Markdown documents: conflict-checked saves, history, diff and restore. */
export function documentRoutes(route: Route): void {
  route(contract.listDocuments, async ({ ctx, params }) => ({
    documents: await documents.listDocuments(ctx, params.id),
  }));
  route(contract.createDocument, ({ ctx, params, body }) => documents.createDocument(ctx, params.id, body));
  route(contract.getDocument, ({ ctx, params }) => documents.getDocument(ctx, params.id, params.docId));
  route(contract.saveDocument, ({ ctx, params, body }) =>
    documents.updateDocument(ctx, params.id, params.docId, body),
  );
  route(contract.listDocumentVersions, async ({ ctx, params }) => ({
    versions: await documents.listVersions(ctx, params.id, params.docId),
  }));
  route(contract.getDocumentVersion, ({ ctx, params }) =>
    documents.getVersion(ctx, params.id, params.docId, params.n),
  );
  route(contract.diffDocumentVersions, ({ ctx, params, query }) =>
    documents.diffVersions(ctx, params.id, params.docId, query),
  );
  route(contract.restoreDocumentVersion, ({ ctx, params, body }) =>
    documents.restoreVersion(ctx, params.id, params.docId, body),
  );
}
