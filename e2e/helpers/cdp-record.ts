/**
 * Chrome's own record of EventSource traffic: `Network.eventSourceMessageReceived` on a page-level CDP
 * session reports every event the browser parsed on an EventSource, whether or not the page listens for its
 * type. Tests compare what the extension captured with it, event for event.
 */
import type { BrowserContext, Frame, Page } from "@playwright/test";

export interface ChromeEvent {
  /** The request URL of the EventSource connection attempt that carried the event. */
  url: string;
  requestId: string;
  type: string;
  data: string;
  id: string;
}

export interface ChromeRecord {
  /** Events in arrival order (all EventSources of the page). */
  readonly events: ChromeEvent[];
  /** Events of the connection attempts whose URL satisfies `match`. */
  eventsFor(match: (url: string) => boolean): ChromeEvent[];
  stop(): Promise<void>;
}

/**
 * Starts recording; call before the page opens its EventSources (before navigating, to be sure). A
 * cross-origin iframe runs in its own process: pass its Frame to record its EventSources.
 */
export async function recordEventSourceMessages(
  context: BrowserContext,
  page: Page | Frame,
): Promise<ChromeRecord> {
  const session = await context.newCDPSession(page);
  const urls = new Map<string, string>();
  const events: ChromeEvent[] = [];
  session.on("Network.requestWillBeSent", (e) => {
    urls.set(e.requestId, e.request.url);
  });
  session.on("Network.eventSourceMessageReceived", (e) => {
    events.push({
      url: urls.get(e.requestId) ?? "",
      requestId: e.requestId,
      type: e.eventName,
      data: e.data,
      id: e.eventId,
    });
  });
  await session.send("Network.enable");
  return {
    events,
    eventsFor: (match) => events.filter((e) => match(e.url)),
    stop: async () => {
      await session.detach().catch(() => {});
    },
  };
}
