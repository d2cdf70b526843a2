/**
 * Plain constants of the protocol, kept apart from the schemas so that the page-world hook can import
 * them without pulling a schema library into every page.
 */

/** Bumped whenever a message shape changes incompatibly; every message carries it. */
export const PROTOCOL_VERSION = 1;

/** Port names used with `runtime.connect`. */
export const PAGE_PORT = "sse-page";
export const PANEL_PORT = "sse-panel";
/** The devtools page reports network attempts (chrome.devtools.network) to the background on this port. */
export const DEVTOOLS_PORT = "sse-devtools";

/**
 * The page-world hook listens for this DOM event exactly once, before page scripts run, to learn the
 * private channel's secret from the isolated relay (see `src/content/channel.ts`).
 */
export const BOOTSTRAP_EVENT = "sse-devtools:bootstrap";
