/**
 * UI strings: `t("key", ...substitutions)` reads `_locales/<lang>/messages.json` through `i18n.getMessage`,
 * so the panel follows the browser's UI language (Chrome: `--lang=ru`; Firefox: the UI locale).
 *
 * Every key lives in `public/_locales/en/messages.json` (the default locale, and the type of `MessageKey`);
 * `ru` mirrors it — a unit test fails when a key is missing from one of them. Substitutions are written `$1`…`$9`
 * directly in the message: both Chrome and Firefox replace them without a `placeholders` block.
 *
 * Outside an extension (unit tests, the panel rendered by a test adapter) there is no `i18n.getMessage`: the
 * English file is used, with the same `$n` substitution, so the UI reads the same.
 */
import en from "../public/_locales/en/messages.json" with { type: "json" };

export type MessageKey = keyof typeof en;

type GetMessage = (key: string, subs?: string[]) => string;

function browserGetMessage(): GetMessage | undefined {
  const g = globalThis as { chrome?: { i18n?: { getMessage?: GetMessage } } };
  const fn = g.chrome?.i18n?.getMessage;
  return typeof fn === "function" ? fn.bind(g.chrome?.i18n) : undefined;
}

const getMessage = browserGetMessage();

/** The English message with `$1`…`$9` replaced (`$$` is a literal `$`), as the browser does. */
export function substitute(message: string, subs: readonly string[]): string {
  return message.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === "$" ? "$" : (subs[Number(d) - 1] ?? "")));
}

export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const s = subs.map(String);
  if (getMessage !== undefined) {
    // getMessage takes at most 9 substitutions and returns "" for an unknown key.
    const m = getMessage(key, s.length > 0 ? s : undefined);
    if (m !== "") return m;
  }
  return substitute(en[key].message, s);
}

/**
 * The language the strings are in ("en", "ru"), for `lang=` on the document (screen readers, hyphenation).
 * Read from the messages themselves: Chromium picks the extension's locale from `--lang` even when it has no
 * UI translation of its own for it (Debian's package ships only en-US), and then `getUILanguage()` and
 * `@@ui_locale` still say en-US.
 */
export function uiLanguage(): string {
  return t("langCode");
}
