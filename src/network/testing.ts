/** Test helper: a complete NetworkAttempt with plain defaults (a finished 200 DevTools record, empty body). */
import type { NetworkAttempt } from "../protocol/index";

export const networkAttempt = (o: Partial<NetworkAttempt> = {}): NetworkAttempt => ({
  source: "devtools",
  url: "http://h/s",
  startedWall: 0,
  status: 200,
  statusText: "OK",
  contentType: "text/event-stream",
  responseHeaders: [],
  requestHeadersKnown: true,
  bodyChars: 0,
  transferBytes: -1,
  bodyCharsDropped: 0,
  items: [],
  itemsDropped: 0,
  events: 0,
  endLastEventId: "",
  bodyKnown: true,
  ...o,
});
