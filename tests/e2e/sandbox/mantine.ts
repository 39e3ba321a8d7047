import type { Locator, Page } from "playwright-core";

/** Picks an option of a Mantine Select: open it, then click the option (in a portal) by its label. */
export async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  await page.getByRole("option", { name: option, exact: true }).click();
}
