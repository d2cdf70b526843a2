import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { substitute, t } from "./i18n";

const load = (lang: string) =>
  JSON.parse(
    readFileSync(new URL(`../public/_locales/${lang}/messages.json`, import.meta.url), "utf8"),
  ) as Record<string, { message: string }>;

describe("locales", () => {
  const en = load("en");
  const ru = load("ru");
  it("ru has exactly the keys of en", () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });
  it("every ru message uses the same substitutions as its en message", () => {
    const subs = (m: string) => [...m.matchAll(/\$[1-9]/g)].map((x) => x[0]).sort();
    for (const k of Object.keys(en))
      expect([k, subs(ru[k]?.message ?? "")]).toEqual([k, subs(en[k]?.message ?? "")]);
  });
  it("keys are valid Chrome message names (ASCII letters, digits, _ and @ only)", () => {
    for (const k of Object.keys(en)) expect(k).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe("t outside an extension", () => {
  it("reads the English file", () => {
    expect(t("panelNoTab")).toBe(load("en").panelNoTab?.message);
  });
  it("substitutes $1..$9 and $$ like the browser", () => {
    expect(substitute("a $1 b $2 $$3 $9", ["x", "y"])).toBe("a x b y $3 ");
  });
});
