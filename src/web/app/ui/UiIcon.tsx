import type { TablerIcon } from "@tabler/icons-react";

/** Two sizes: beside or inside ordinary controls and text, and inside the smallest controls. */
const sizes = { md: 16, sm: 12 } as const;

/**
 * Interface icons come from Tabler (as in Mantine's docs), never emoji: emoji show as empty boxes
 * where no emoji font is installed. Callers import each icon by name, so the bundle keeps only
 * those used. Always decorative: the text beside it, or the aria-label of the control it is the
 * only content of, names it.
 */
export function UiIcon({ icon: Glyph, size = "md" }: { icon: TablerIcon; size?: keyof typeof sizes }) {
  return <Glyph size={sizes[size]} stroke={1.75} aria-hidden focusable={false} />;
}
