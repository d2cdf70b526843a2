/**
 * Light or dark, like the DevTools around the panel: DevTools' own theme when the panel runs inside it
 * (`chrome.devtools.panels.themeName`), else the system's `prefers-color-scheme` (panel opened as a tab).
 */
export function applyTheme(root: HTMLElement, devtools: "light" | "dark" | undefined): void {
  if (devtools !== undefined) {
    root.dataset.theme = devtools;
    return;
  }
  const media = matchMedia("(prefers-color-scheme: dark)");
  const set = () => {
    root.dataset.theme = media.matches ? "dark" : "light";
  };
  set();
  media.addEventListener("change", set);
}
