import { Kbd } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { type KeyboardEvent, lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { UiIcon } from "../../app/ui/UiIcon.js";
import classes from "./launcher.module.css";

// The palette (a modal, its list, the search's query) is a chunk of its own: the first page does not
// download it, and pointing at, focusing or pressing the shortcut for the field starts fetching it.
const loadPalette = () => import("./SearchPalette.js");
const SearchPalette = lazy(() => loadPalette().then((module) => ({ default: module.SearchPalette })));

const onApple = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** Ctrl-K, or Cmd-K on Apple devices: the shortcut of most command palettes. */
const isPaletteShortcut = (event: globalThis.KeyboardEvent) =>
  event.key.toLowerCase() === "k" &&
  (onApple ? event.metaKey : event.ctrlKey) &&
  !event.altKey &&
  !event.shiftKey;

/** A key that types a character, which the palette's field should receive. */
const typesCharacter = (event: KeyboardEvent) =>
  event.key.length === 1 && event.key !== " " && !event.ctrlKey && !event.metaKey && !event.altKey;

/**
 * The header's search: a button drawn as a search field (a real field would need its own list on
 * every page), which opens the palette; so does Ctrl/Cmd-K anywhere. Typing into the button opens
 * the palette with what was typed.
 */
export function SearchLauncher() {
  const [opened, setOpened] = useState(false);
  const [wanted, setWanted] = useState(false);
  const [initialQuery, setInitialQuery] = useState("");
  const button = useRef<HTMLButtonElement>(null);
  const focusedBefore = useRef<Element | null>(null);
  const isOpen = useRef(false);

  // Stable, so the shortcut's listener is added once. The shortcut pressed in the open palette does
  // nothing more: what was typed stays, and so does where the focus goes back to.
  const open = useCallback((query: string) => {
    if (isOpen.current) return;
    isOpen.current = true;
    focusedBefore.current = document.activeElement;
    setInitialQuery(query);
    setWanted(true);
    setOpened(true);
  }, []);
  // The focus goes back where it was, or to this button when that is gone (an option opened another
  // page). Done here rather than by the modal, which remembers the focus only when it was mounted
  // before opening, and the palette is mounted by its first opening.
  const close = () => {
    isOpen.current = false;
    setOpened(false);
    window.setTimeout(() => {
      const before = focusedBefore.current;
      const target = before instanceof HTMLElement && before.isConnected ? before : button.current;
      target?.focus({ preventScroll: true });
    });
  };

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      // The browser's own Ctrl-K moves to its address bar; here it opens the palette.
      event.preventDefault();
      open("");
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [open]);

  return (
    <>
      <button
        ref={button}
        type="button"
        className={classes.launcher}
        aria-haspopup="dialog"
        aria-keyshortcuts={onApple ? "Meta+K" : "Control+K"}
        onClick={() => open("")}
        onPointerEnter={() => void loadPalette()}
        onFocus={() => void loadPalette()}
        onKeyDown={(event) => {
          if (!typesCharacter(event)) return;
          event.preventDefault();
          open(event.key);
        }}
      >
        <UiIcon icon={IconSearch} />
        <span className={classes.launcherText}>Search</span>
        <Kbd size="xs" visibleFrom="sm" aria-hidden>
          {onApple ? "⌘ K" : "Ctrl K"}
        </Kbd>
      </button>
      {wanted && (
        <Suspense fallback={null}>
          <SearchPalette opened={opened} initialQuery={initialQuery} onClose={close} />
        </Suspense>
      )}
    </>
  );
}
