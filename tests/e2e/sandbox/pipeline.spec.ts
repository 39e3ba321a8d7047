import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, expectAccessible, launchBrowser, screenshot, signIn } from "../browser.js";
import { type DemoServer, freePort, startDemoServer } from "../demo-server.js";
import { passAgreementGate } from "./gate.js";

const SECRET = "pipeline-spec-secret-of-at-least-32-characters";

/**
 * The vendor's product as a pipeline and a wipe meet it: a reset endpoint that fails (500 with a reason),
 * and a Convene of its own (a wipe resets its environment, so never the run's shared server) pointed at it.
 */
let browser: Browser;
let own: DemoServer;
let resetEndpoint: http.Server;
let resetHost: string;
const resetCalls: { event: string | undefined }[] = [];

beforeAll(async () => {
  resetEndpoint = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      resetCalls.push({ event: request.headers["x-convene-event"] as string | undefined });
      response.writeHead(500, { "content-type": "text/plain" }).end("database is locked by a nightly job");
    });
  });
  await new Promise<void>((resolve) => resetEndpoint.listen(0, "127.0.0.1", resolve));
  resetHost = `127.0.0.1:${(resetEndpoint.address() as AddressInfo).port}`;
  [browser, own] = await Promise.all([
    launchBrowser(),
    freePort().then((port) =>
      startDemoServer(port, {
        PRODUCT_RESET_URL: `http://${resetHost}/reset`,
        PRODUCT_WEBHOOK_SECRET: SECRET,
        // Two attempts, 5 s apart, each given 5 s: the failure shows within seconds.
        PRODUCT_RESET_ATTEMPTS: "2",
        PRODUCT_RESET_TIMEOUT_SECONDS: "5",
      }),
    ),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await own?.stop();
  resetEndpoint?.closeAllConnections();
  await new Promise((resolve) => resetEndpoint?.close(resolve));
});

async function ownPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: own.baseUrl, viewport: { width: 1280, height: 860 } });
  return context.newPage();
}

/** The pipeline's call, made as a pipeline makes it: the real curl with the token as a bearer. */
function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/curl",
      ["--fail-with-body", "-sS", ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the vendor's pipeline and product", () => {
  it("a deployment recorded with a sandbox token shows live in the banner; a wipe that the product's reset endpoint refuses fails, with its answer on the wipes page", async () => {
    const staff = await ownPage();
    await signIn(staff, "staff@vendor.example");
    const { secret } = await api<{ secret: string }>(staff, "POST", "/api/me/api-tokens", {
      name: "Release pipeline",
      access: "write",
      area: "pipeline",
      expiresInDays: 30,
    });
    expect(secret).toMatch(/^cvn_/);

    await staff.goto("/sandbox/status");
    await passAgreementGate(staff, "sandbox-banner");
    const banner = staff.getByTestId("sandbox-banner");
    await banner.getByTestId("environment-build").waitFor();
    expect(await banner.getByTestId("build-version").textContent()).not.toBe("26.4.0-build.812");

    const recorded = await curl([
      "-X",
      "POST",
      `${own.baseUrl}/api/admin/sandbox/deployments`,
      "-H",
      `Authorization: Bearer ${secret}`,
      "-H",
      "Content-Type: application/json",
      "--data-raw",
      JSON.stringify({ buildId: "812", version: "26.4.0-build.812", notes: "From the pipeline." }),
    ]);
    expect(recorded.code, `${recorded.stdout}\n${recorded.stderr}`).toBe(0);
    expect(JSON.parse(recorded.stdout)).toMatchObject({ buildId: "812", version: "26.4.0-build.812" });
    // The page was open all along: the deployment's real-time event changes the banner, no reload.
    await banner.getByTestId("build-version").getByText("26.4.0-build.812", { exact: true }).waitFor();
    expect(await banner.getByTestId("build-id").textContent()).toBe("812");
    await screenshot(staff, "sandbox-pipeline-deployed");

    await staff.goto("/admin/sandbox-wipes");
    const form = staff.getByTestId("wipe-now-form");
    await form.getByLabel("Message").fill("Resetting the product for the release.");
    await form.getByLabel("Confirmation").fill("wipe the development environment");
    await form.getByRole("button", { name: "Wipe now" }).click();

    const finished = staff.getByTestId("wipe-finished");
    await finished.waitFor({ timeout: 45_000 });
    expect(await finished.textContent()).toContain("The wipe failed");
    const history = staff.getByTestId("wipe-history");
    await history.getByText("Failed", { exact: true }).waitFor();
    await history
      .getByText(
        "The product's reset endpoint answered 500 on all 2 attempts: database is locked by a nightly job",
      )
      .waitFor();
    expect(await history.getByTestId("wipe-product-reset").first().textContent()).toBe(
      `Resets the product at ${resetHost} (2 attempts)`,
    );
    expect(resetCalls).toEqual([{ event: "sandbox.reset" }, { event: "sandbox.reset" }]);
    await expectAccessible(staff);
    await screenshot(staff, "sandbox-wipe-product-failed");
  });
});
