/** The panel's UI strings: see src/i18n.ts (the model formats text with the same `t`). */
export * from "../src/i18n";
