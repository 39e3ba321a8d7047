import type { Page } from "playwright-core";

/**
 * Waits for a sandbox page to show `readyTestId`, accepting the agreement first when the gate asks
 * (specs share one server, so another spec may already have accepted it for this person).
 */
export async function passAgreementGate(page: Page, readyTestId: string): Promise<void> {
  const accept = page.getByLabel("I have read and accept the agreement");
  await accept.or(page.getByTestId(readyTestId)).first().waitFor();
  if (await accept.isVisible()) {
    await accept.check();
    await page.getByRole("button", { name: "Accept" }).click();
  }
  await page.getByTestId(readyTestId).waitFor();
}
