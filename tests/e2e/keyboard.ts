import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Whether the focused element shows a ring: an outline or a box shadow, not a colour change alone. A
 * control drawn by the element after its visually hidden input (a switch's track) shows it there.
 * Runs in the page.
 */
export function focusIndicatorOfActiveElement(): { element: string; visible: boolean } {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return { element: "nothing", visible: false };
  const ringed = (element: Element) => {
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
    return outlined || style.boxShadow !== "none";
  };
  const box = focused.getBoundingClientRect();
  const hidden = getComputedStyle(focused).opacity === "0" || box.width <= 1 || box.height <= 1;
  const drawnBy = hidden ? focused.nextElementSibling : null;
  return {
    element: focused.outerHTML.slice(0, 120),
    visible: ringed(focused) || (drawnBy !== null && ringed(drawnBy)),
  };
}

/** Presses Tab (Shift+Tab when `backwards`) until `target` has the focus, and sees the focus shown. */
export async function tabTo(page: Page, target: Locator, { backwards = false } = {}): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) {
      const indicator = await page.evaluate(focusIndicatorOfActiveElement);
      expect(indicator.visible, `no visible focus indicator on ${indicator.element}`).toBe(true);
      return;
    }
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/**
 * Waits until a dialog that has just opened holds the focus: its focus trap takes the focus once its
 * opening transition ends, and a key pressed before that lands behind it, as it would for a person who
 * typed before the dialog showed.
 */
export async function focusMovesInto(dialog: Locator): Promise<void> {
  await dialog.waitFor();
  await expect.poll(() => dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
}

/** Picks `option` in the focused Mantine Select with the arrow keys and Enter. */
export async function chooseWithKeys(page: Page, option: string): Promise<void> {
  await page.keyboard.press("ArrowDown");
  const highlighted = page.locator("[data-combobox-selected]");
  for (let presses = 0; presses < 20; presses++) {
    if ((await highlighted.count()) > 0 && (await highlighted.textContent())?.includes(option)) {
      await page.keyboard.press("Enter");
      // The choice shows in the field, as a person would check before moving on.
      await expect
        .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value ?? ""))
        .toContain(option);
      return;
    }
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`No option ${option}`);
}
