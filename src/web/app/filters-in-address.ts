import { useSearchParams } from "react-router";

/**
 * A list's filters kept in the address, so a filtered list can be bookmarked and shared. A change
 * starts from the address itself, not the router's copy of it: that copy is the last render's, so a
 * debounced search firing right after a select changed would put the select back.
 */
export function useFiltersInAddress<Filters extends Record<string, string>>(
  names: readonly (keyof Filters & string)[],
): [Filters, (change: Partial<Filters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(names.map((name) => [name, params.get(name) ?? ""])) as Filters;
  const change = (update: Partial<Filters>) =>
    setParams(
      () => {
        const next = new URLSearchParams(window.location.search);
        for (const [name, value] of Object.entries(update)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  return [filters, change];
}
