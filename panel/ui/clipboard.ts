/**
 * Copy text from the panel. `navigator.clipboard.writeText` needs the `clipboard-write` permission policy,
 * which DevTools does not delegate to an extension panel's iframe (it rejects there with NotAllowedError);
 * the fallback is the older selection + `document.execCommand("copy")`, which works in the click's user
 * activation. Either way the text goes through a <textarea>'s value or the async API: never markup.
 */
export async function copyText(text: string): Promise<boolean> {
  // Synchronously first, inside the click's user activation (an awaited rejection can outlast it).
  if (execCopy(text)) return true;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function execCopy(text: string): boolean {
  const doc = document;
  const before = doc.activeElement as HTMLElement | null;
  const ta = doc.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  ta.setAttribute("aria-hidden", "true");
  ta.style.position = "fixed";
  ta.style.top = "0";
  ta.style.left = "-10000px";
  ta.style.opacity = "0";
  doc.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = doc.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  before?.focus?.({ preventScroll: true });
  return ok;
}
