/**
 * Checks on the built extension that no browser test would notice until a page did: the page-world hook must
 * be one classic script that runs before page scripts, and the build must expose nothing a page can probe.
 * Re-run after every dependency bump (@crxjs/vite-plugin decides both).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { EXTENSION_DIR } from "./helpers/browser";

const dist = EXTENSION_DIR;
const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));

test("content scripts are self-contained classic scripts, hook first, in every frame", () => {
  const [hook, relay] = manifest.content_scripts;
  expect(hook.world).toBe("MAIN");
  expect(relay.world ?? "ISOLATED").toBe("ISOLATED");
  for (const cs of [hook, relay]) {
    expect(cs.run_at).toBe("document_start");
    expect(cs.all_frames).toBe(true);
    expect(cs.match_about_blank).toBe(true);
    expect(cs.js).toHaveLength(1);
    const code = readFileSync(join(dist, cs.js[0]), "utf8");
    // An async loader (dynamic import) would run after the page's first scripts.
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/^\s*export\s/m);
  }
});

test("the page-world hook carries no extension API and no schema library", () => {
  const code = readFileSync(join(dist, manifest.content_scripts[0].js[0]), "utf8");
  expect(code).not.toMatch(/chrome\.runtime|browser\.runtime|webextension-polyfill/);
  expect(code).not.toMatch(/valibot/);
  expect(code).toContain('"use strict"');
});

test("nothing is web-accessible (a page could probe it to detect the extension)", () => {
  expect(manifest.web_accessible_resources ?? []).toEqual([]);
});
