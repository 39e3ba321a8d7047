import { Badge, createTheme, PasswordInput, Select } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "md",
  components: {
    // In a narrow table column a badge would otherwise shrink to "DEACT…"; and a label whose width
    // rounds a fraction of a pixel short would still be cut to "N…", so it may overflow by that much.
    Badge: Badge.extend({
      defaultProps: { radius: "sm", miw: "fit-content" },
      styles: { label: { overflow: "visible" } },
    }),
    // Mantine would label the closed option list, and name the show-password button, after the
    // input; then "the field labelled Type" or "Password" would mean two elements, not one.
    Select: Select.extend({ defaultProps: { comboboxProps: { keepMounted: false } } }),
    PasswordInput: PasswordInput.extend({
      defaultProps: { visibilityToggleButtonProps: { "aria-label": "Show or hide the characters" } },
    }),
  },
});
