import {
  Anchor,
  Badge,
  type ComboboxEmptyProps,
  type CSSVariablesResolver,
  createTheme,
  type DrawerProps,
  darken,
  type FileInputProps,
  type ListProps,
  Loader,
  type MantineTheme,
  type MenuProps,
  type ModalProps,
  type NotificationProps,
  PasswordInput,
  type SelectProps,
  type TableScrollContainerProps,
} from "@mantine/core";

/** Every dialog's and notification's close button is read out by this name; without it a screen reader says only "button". */
const closeButtonProps = { "aria-label": "Close" };

export const theme = createTheme({
  primaryColor: "indigo",
  // Shade 6 (indigo #4c6ef5) gives white button labels and links on white about 4:1; shade 8 clears
  // WCAG AA's 4.5:1 for both. Any filled colour gets white text below luminance 0.18 and black text
  // above it: one of the two then always reaches 4.5:1 (yellow, green and orange fills get black).
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.18,
  defaultRadius: "md",
  components: {
    // Colour alone must not tell a link from the words around it (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: "always" } }),
    // In a narrow table column a badge would otherwise shrink to "DEACT…"; and a label whose width
    // rounds a fraction of a pixel short would still be cut to "N…", so it may overflow by that much.
    // A label of several words narrower than its place ("Development environment" in a roadmap card)
    // wraps inside the badge instead of running out of its card: fit-content is then the place's width.
    Badge: Badge.extend({
      defaultProps: { radius: "sm", miw: "fit-content" },
      styles: {
        root: { maxWidth: "100%", height: "auto", minHeight: "var(--badge-height)", lineHeight: 1.3 },
        label: { overflow: "visible", whiteSpace: "normal", paddingBlock: 2 },
      },
    }),
    // Mantine would label the closed option list, and name the show-password button, after the
    // input; then "the field labelled Type" or "Password" would mean two elements, not one.
    // Components the first page does not show are set as plain objects, not with Component.extend:
    // importing them here would bring them (a select's popover and floating-ui, say) into the first
    // page's download.
    Select: { defaultProps: { comboboxProps: { keepMounted: false } } satisfies Partial<SelectProps> },
    // An open option list whose filter matched nothing holds only the "nothing found" line; a list
    // box must own options, so that line is one a screen reader reads and no one can choose.
    ComboboxEmpty: {
      defaultProps: {
        role: "option",
        "aria-disabled": true,
        "aria-selected": false,
      } satisfies Partial<ComboboxEmptyProps>,
    },
    // Mantine's menu would take the focus on a placeholder that a tab index keeps in the tree; a menu
    // may hold only its items, so the focus goes to the first item, as the ARIA menu button pattern has it.
    Menu: { defaultProps: { withInitialFocusPlaceholder: false } satisfies Partial<MenuProps> },
    PasswordInput: PasswordInput.extend({
      defaultProps: { visibilityToggleButtonProps: { "aria-label": "Show or hide the characters" } },
    }),
    // A spinner's label ("Loading") is read out only from an element with a role that may be named.
    Loader: Loader.extend({ defaultProps: { role: "status" } }),
    // Room between list items, so links on neighbouring lines are 24 px targets (WCAG 2.5.8).
    List: { defaultProps: { spacing: 4 } satisfies Partial<ListProps> },
    Modal: { defaultProps: { closeButtonProps } satisfies Partial<ModalProps> },
    Drawer: { defaultProps: { closeButtonProps } satisfies Partial<DrawerProps> },
    Notification: { defaultProps: { closeButtonProps } satisfies Partial<NotificationProps> },
    // A clearable file field's clear button would otherwise be an unnamed button.
    FileInput: {
      defaultProps: {
        clearButtonProps: { "aria-label": "Clear the file" },
      } satisfies Partial<FileInputProps>,
    },
    // A table wider than the screen scrolls sideways; someone without a mouse scrolls it after
    // tabbing to it, so its scrolling box takes focus.
    TableScrollContainer: {
      defaultProps: {
        scrollAreaProps: { viewportProps: { tabIndex: 0 } },
      } satisfies Partial<TableScrollContainerProps>,
    },
  },
});

/**
 * Text in a colour on white or on that colour's pale tint (light and subtle buttons and badges, alert
 * titles, outline badges, coloured text): even Mantine's darkest shade 9 reads at 2.8:1 (yellow) to
 * 4:1 (green) there, so these take shade 9 darkened by a third, 5:1 or more for every colour.
 */
function readableColourText(theme: MantineTheme): Record<string, string> {
  return Object.fromEntries(
    Object.entries(theme.colors).flatMap(([name, shades]) => {
      const readable = darken(shades[9], 0.35);
      return [
        [`--mantine-color-${name}-text`, readable],
        [`--mantine-color-${name}-light-color`, readable],
        [`--mantine-color-${name}-outline`, readable],
      ];
    }),
  );
}

/**
 * Mantine's dimmed text (gray 6 on white, dark 2 on dark 7) reads at about 3.3:1 and 4:1, placeholders
 * (gray 5) less, field errors (red 6) 3.6:1; WCAG AA asks 4.5:1 for text, so these are stronger (red 9
 * reads 5.9:1; dimmed and placeholders about 8:1, and 7.7:1 in the dark scheme).
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolvedTheme) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-placeholder": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
    ...readableColourText(resolvedTheme),
  },
  dark: {
    "--mantine-color-dimmed": "var(--mantine-color-dark-1)",
    "--mantine-color-placeholder": "var(--mantine-color-dark-1)",
  },
});
