import { useCallback, useRef } from "react";

export const DISCARD_QUESTION = "Discard the changes you made?";

/**
 * For a form in a dialog: Esc, a click outside or the close button would throw away what was typed,
 * so closing asks first while the form has changes. The form reports them with `reportDirty`.
 */
export function useDiscardGuard(close: () => void) {
  const dirty = useRef(false);
  const reportDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);
  const requestClose = () => {
    if (dirty.current && !window.confirm(DISCARD_QUESTION)) return;
    dirty.current = false;
    close();
  };
  return { reportDirty, requestClose };
}
