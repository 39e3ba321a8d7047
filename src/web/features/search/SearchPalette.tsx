import { CloseButton, Group, Kbd, Loader, Modal, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { useDebouncedValue, useMediaQuery } from "@mantine/hooks";
import { IconArrowRight, IconCompass, IconSearch, type TablerIcon } from "@tabler/icons-react";
import { type KeyboardEvent, type ReactNode, useEffect, useId, useState } from "react";
import { useNavigate } from "react-router";
import { type SearchKind, searchKindLabels } from "../../../shared/search-query.js";
import { type JumpPage, pagesFor } from "../../app/navigation.js";
import { useMe } from "../../app/session.js";
import { UiIcon } from "../../app/ui/UiIcon.js";
import { type SearchGroup, type SearchHit, useSearch } from "./api.js";
import { Highlight } from "./Highlight.js";
import { HitContext, HitSnippet } from "./HitDetails.js";
import { moreOfKind, searchKindIcons, searchPagePath } from "./kinds.js";
import classes from "./search.module.css";
import { matchingPages, readiness } from "./search-text.js";

/** Pages offered for a typed name; every page is listed before anything is typed. */
const PAGES_FOR_A_NAME = 5;
const DEBOUNCE_MS = 150;

type Option =
  | { type: "page"; page: JumpPage }
  | { type: "hit"; hit: SearchHit }
  | { type: "more"; kind: SearchKind }
  | { type: "everything" };
type Section = { key: string; label: string; icon: TablerIcon; options: Option[] };

const optionKey = (option: Option): string => {
  if (option.type === "page") return `page ${option.page.to}`;
  if (option.type === "hit") return `${option.hit.kind} ${option.hit.id}`;
  if (option.type === "more") return `more ${option.kind}`;
  return "everything";
};

function sectionsOf(pages: JumpPage[], groups: SearchGroup[]): Section[] {
  const sections: Section[] = [];
  if (pages.length > 0)
    sections.push({
      key: "pages",
      label: "Pages",
      icon: IconCompass,
      options: pages.map((page) => ({ type: "page", page })),
    });
  for (const group of groups)
    sections.push({
      key: group.kind,
      label: searchKindLabels[group.kind],
      icon: searchKindIcons[group.kind],
      options: [
        ...group.hits.map((hit): Option => ({ type: "hit", hit })),
        ...(group.more ? [{ type: "more", kind: group.kind } as const] : []),
      ],
    });
  return sections;
}

/** What an option shows; the option element around it is the palette's. */
function OptionContent({ option, q, now }: { option: Option; q: string; now: number }): ReactNode {
  if (option.type === "page")
    return (
      <div className={classes.optionText}>
        <Text size="sm" fw={600}>
          {option.page.label}
        </Text>
        <Text size="xs" c="dimmed" lineClamp={1}>
          {option.page.description}
        </Text>
      </div>
    );
  if (option.type === "hit")
    return (
      <div className={`${classes.optionText} ${classes.marks}`}>
        <Text size="sm" fw={600} lineClamp={1}>
          <Highlight value={option.hit.title} />
        </Text>
        <HitSnippet hit={option.hit} />
        <HitContext hit={option.hit} now={now} />
      </div>
    );
  const label = option.type === "more" ? moreOfKind(option.kind) : `All results for “${q}”`;
  return (
    <>
      <UiIcon icon={option.type === "more" ? IconArrowRight : IconSearch} />
      <Text size="sm" fw={500} className={classes.optionText}>
        {label}
      </Text>
    </>
  );
}

/** What a screen reader hears once the list has changed. */
function announcement(pages: number, groups: SearchGroup[] | null, searching: boolean): string {
  const parts = pages > 0 ? [`${pages} ${pages === 1 ? "page" : "pages"}`] : [];
  if (searching) parts.push("searching");
  else if (groups) {
    const hits = groups.reduce((sum, group) => sum + group.hits.length, 0);
    parts.push(hits === 0 ? "no results" : `${hits} ${hits === 1 ? "result" : "results"}`);
  }
  return parts.join(", ");
}

/**
 * The palette's field and list: an ARIA combobox whose listbox holds the pages that fit what was
 * typed and, from two letters on, the search's hits grouped by kind. The focus stays in the field;
 * the arrows move the active option (aria-activedescendant), Enter opens it, or the results page
 * when none is active.
 */
function Palette({ initialQuery, onClose }: { initialQuery: string; onClose: () => void }) {
  const navigate = useNavigate();
  const me = useMe().data;
  const baseId = useId();
  const listboxId = `${baseId}-listbox`;
  const [now] = useState(Date.now);
  const [text, setText] = useState(initialQuery);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(text.trim(), DEBOUNCE_MS);
  const ready = readiness(debounced);
  const results = useSearch(debounced, undefined, ready.ready);
  const groups = ready.ready ? (results.data ?? null) : null;

  const typed = text.trim();
  const allPages = me ? pagesFor(me) : [];
  const pages = typed ? matchingPages(allPages, typed).slice(0, PAGES_FOR_A_NAME) : allPages;
  const sections = sectionsOf(pages, groups ?? []);
  const everything: Option | null = typed ? { type: "everything" } : null;
  const options = [...sections.flatMap((section) => section.options), ...(everything ? [everything] : [])];
  const activeIndex = options.findIndex((option) => optionKey(option) === activeKey);
  const optionId = (option: Option) => `${baseId}-option-${options.indexOf(option)}`;

  useEffect(() => {
    if (activeIndex >= 0)
      document.getElementById(`${baseId}-option-${activeIndex}`)?.scrollIntoView({ block: "nearest" });
  }, [activeIndex, baseId]);

  const go = (path: string) => {
    onClose();
    navigate(path);
  };
  const choose = (option: Option) => {
    if (option.type === "page") go(option.page.to);
    else if (option.type === "hit") go(option.hit.path);
    else if (option.type === "more") go(searchPagePath(debounced, option.kind));
    else go(searchPagePath(typed));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (options.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next =
        activeIndex === -1
          ? step === 1
            ? 0
            : options.length - 1
          : (activeIndex + step + options.length) % options.length;
      setActiveKey(optionKey(options[next] as Option));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const active = options[activeIndex];
      if (active) choose(active);
      else if (typed) go(searchPagePath(typed));
    }
  };

  const searching = ready.ready && (results.isPending || results.isPlaceholderData);
  const expanded = options.length > 0;
  const renderOption = (option: Option) => {
    const key = optionKey(option);
    const active = key === activeKey;
    return (
      // The focus stays in the field (aria-activedescendant), so options take no focus themselves and
      // the field's keys choose them; a pointer picks one without taking the focus from the field.
      // biome-ignore lint/a11y/useFocusableInteractive: see above.
      // biome-ignore lint/a11y/useKeyWithClickEvents: see above.
      <div
        key={key}
        id={optionId(option)}
        role="option"
        aria-selected={active}
        data-active={active || undefined}
        className={classes.option}
        onMouseMove={() => !active && setActiveKey(key)}
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => choose(option)}
      >
        <OptionContent option={option} q={typed} now={now} />
      </div>
    );
  };

  return (
    <>
      <Group gap={4} wrap="nowrap" p="xs" className={classes.field}>
        <TextInput
          flex={1}
          size="md"
          variant="unstyled"
          leftSection={<UiIcon icon={IconSearch} />}
          rightSection={searching ? <Loader size="xs" aria-hidden /> : null}
          placeholder="Search, or go to a page"
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            setActiveKey(null);
          }}
          onKeyDown={onKeyDown}
          data-autofocus
          type="text"
          enterKeyHint="search"
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-label="Search Convene"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={expanded ? listboxId : undefined}
          aria-activedescendant={activeIndex >= 0 ? `${baseId}-option-${activeIndex}` : undefined}
          aria-describedby={`${baseId}-keys`}
        />
        <CloseButton aria-label="Close search" onClick={onClose} />
      </Group>
      <VisuallyHidden role="status">{announcement(pages.length, groups, searching)}</VisuallyHidden>
      {ready.ready === false && ready.reason === "problems" && (
        <Text size="sm" c="red.9" px="md" pt="xs">
          {ready.message}
        </Text>
      )}
      <div className={classes.list}>
        {expanded && (
          <div role="listbox" id={listboxId} aria-label="Pages and results">
            {sections.map((section) => (
              // A group of options, named by its heading, is what a listbox holds (WAI-ARIA), not a fieldset.
              // biome-ignore lint/a11y/useSemanticElements: see above.
              <div key={section.key} role="group" aria-labelledby={`${baseId}-${section.key}`}>
                <div role="presentation" id={`${baseId}-${section.key}`} className={classes.groupLabel}>
                  <UiIcon icon={section.icon} size="sm" />
                  {section.label}
                </div>
                {section.options.map(renderOption)}
              </div>
            ))}
            {everything && renderOption(everything)}
          </div>
        )}
        {groups?.length === 0 && !searching && (
          <Text size="sm" c="dimmed" px="xs" pt="xs">
            Nothing found for “{debounced}”. Press Enter for the results page and its tips.
          </Text>
        )}
      </div>
      <Group gap="md" px="md" py={6} className={classes.footer} visibleFrom="sm">
        <Text size="xs" c="dimmed" id={`${baseId}-keys`}>
          <Kbd size="xs">↑</Kbd> <Kbd size="xs">↓</Kbd> to choose, <Kbd size="xs">Enter</Kbd> to open (all
          results when none is chosen), <Kbd size="xs">Esc</Kbd> to close. Filters: in:#channel from:name
          type:ticket after:2026-11-01
        </Text>
      </Group>
    </>
  );
}

/**
 * The command palette (Ctrl/Cmd-K, or the header's search field): search everything and jump to a
 * page. Its own chunk, fetched the first time it is about to open.
 */
export function SearchPalette({
  opened,
  initialQuery,
  onClose,
}: {
  opened: boolean;
  initialQuery: string;
  onClose: () => void;
}) {
  const phone = useMediaQuery("(max-width: 36em)", false, { getInitialValueInEffect: false });
  return (
    <Modal.Root
      opened={opened}
      onClose={onClose}
      size="lg"
      fullScreen={phone}
      yOffset="8vh"
      // The launcher gives the focus back (SearchLauncher): it knows where it was before the first opening.
      returnFocus={false}
      transitionProps={{ duration: 120 }}
    >
      <Modal.Overlay />
      <Modal.Content aria-label="Search">
        {/* Mounted while open only, so each opening starts afresh from what was typed into the header. */}
        {opened && <Palette initialQuery={initialQuery} onClose={onClose} />}
      </Modal.Content>
    </Modal.Root>
  );
}
