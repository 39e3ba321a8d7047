import type { Route } from "../../../../platform/routes.js";
import * as contract from "../contracts/wipes.js";
import type { WipeRunner } from "../wipe-runner.js";
import { cancelWipe, listWipes, nextWipe, scheduleWipe, wipeNow } from "../wipes.js";

/** Announced wipes (staff), and a wipe now, run after the answer by the app's wipe runner. */
export function wipeRoutes(route: Route, runner: WipeRunner): void {
  route(contract.listWipes, ({ ctx }) => listWipes(ctx));
  route(contract.getNextWipe, async ({ ctx }) => ({ wipe: await nextWipe(ctx) }));
  route(contract.scheduleWipe, ({ ctx, body }) =>
    scheduleWipe(ctx, { scheduledFor: new Date(body.scheduledFor), message: body.message }),
  );
  route(contract.wipeNow, async ({ ctx, body, request }) => {
    const wipe = await wipeNow(ctx, body);
    // The wipe runs after the answer; the page follows it through GET /api/sandbox/environment.
    void runner.runDueWipes().catch((error) => request.log.error(error));
    return { wipe };
  });
  route(contract.cancelWipe, ({ ctx, params }) => cancelWipe(ctx, params.id));
}
