import { Fragment } from "react";
import type { Highlighted } from "./api.js";
import { highlightParts } from "./search-text.js";

/** A text with the parts that matched the search in `<mark>`, as the server found them. */
export function Highlight({ value }: { value: Highlighted }) {
  return (
    <>
      {highlightParts(value).map((part, index) => (
        // The runs of one text never reorder, so their position is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <Fragment key={index}>{part.marked ? <mark>{part.text}</mark> : part.text}</Fragment>
      ))}
    </>
  );
}
