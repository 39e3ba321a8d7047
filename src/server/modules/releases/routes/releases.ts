import type { Route } from "../../../platform/routes.js";
import { releaseFeed } from "../atom.js";
import * as contract from "../contracts/releases.js";
import {
  createDraft,
  deleteDraft,
  getRelease,
  getReleaseByVersion,
  listAllReleases,
  listPublishedReleases,
  previewRelease,
  previewStoredRelease,
  publishRelease,
  setDraftCloses,
  updateDraft,
} from "../releases.js";

export function releaseRoutes(route: Route): void {
  route(contract.listPublishedReleases, async ({ ctx }) => ({ releases: await listPublishedReleases(ctx) }));
  route(contract.getPublishedRelease, ({ ctx, params }) => getReleaseByVersion(ctx, params.version));
  route(contract.releaseFeed, async ({ ctx, reply }) => {
    const feed = releaseFeed(ctx.config, await listPublishedReleases(ctx));
    return reply
      .type("application/atom+xml; charset=utf-8")
      .header("cache-control", "public, max-age=300")
      .send(feed);
  });

  route(contract.listReleases, async ({ ctx, query }) => ({ releases: await listAllReleases(ctx, query) }));
  route(contract.createRelease, ({ ctx, body }) => createDraft(ctx, body));
  route(contract.previewRelease, async ({ ctx, body }) => previewRelease(ctx.config, body));
  route(contract.getRelease, ({ ctx, params }) => getRelease(ctx, params.id));
  route(contract.updateRelease, ({ ctx, params, body }) => updateDraft(ctx, params.id, body));
  route(contract.deleteRelease, ({ ctx, params }) => deleteDraft(ctx, params.id));
  route(contract.previewStoredRelease, ({ ctx, params }) => previewStoredRelease(ctx, params.id));
  route(contract.setReleaseCloses, ({ ctx, params, body }) => setDraftCloses(ctx, params.id, body));
  route(contract.publishRelease, ({ ctx, params }) => publishRelease(ctx, params.id));
}
