/**
 * The compact form in which the hook sends a run of records to the background (`recordsCaptured.rows`).
 *
 * Why: the hook, the relay and the page share one thread, so every byte and every object that crosses the
 * private channel (a structured clone into the isolated world) and the `sse-page` port (serialized by the
 * extension messaging layer) is paid for by the page itself (issue 5, measured in `npm run bench`). Events
 * are most of the traffic, so an event is a flat array of primitives (no property names to clone or
 * serialize 100 000 times), and the strings that repeat within a run — the connection id, the event type,
 * the origin — are sent once per run in `strings` and referred to by index. Every other record is sent as
 * the object it is (they are rare).
 *
 * This module has no dependencies: the page-world hook imports `encodeRecords`; the background decodes with
 * `decodeRecords` and then checks the records against the protocol's schemas as before.
 */
import type { PageRecord } from "./index";

/** Tag of a row holding an `eventReceived` record in the flat form below. */
export const EVENT_ROW = 0;
/** Tag of a row holding any other record as an object. */
export const RECORD_ROW = 1;

/**
 * `[EVENT_ROW, cid, wall, mono, type, data, lastEventId, origin, readyState, trusted]`, where cid, type and
 * origin are indices into the run's `strings` and trusted is 1 or 0.
 */
export type EventRow = [
  typeof EVENT_ROW,
  number,
  number,
  number,
  number,
  string,
  string,
  number,
  0 | 1 | 2,
  0 | 1,
];
export type WireRow = EventRow | [typeof RECORD_ROW, PageRecord];

export interface WireRecords {
  strings: string[];
  rows: WireRow[];
}

/**
 * Encodes records for the wire; their `seq`s are implied by the batch's `fromSeq` (records are a contiguous
 * run). Runs in the page world after page scripts may have patched built-ins, so it calls none: array
 * literals, `length` assignment and a null-prototype dictionary only.
 */
export function encodeRecords(records: readonly PageRecord[]): WireRecords {
  const strings: string[] = [];
  const rows: WireRow[] = [];
  const index: Record<string, number> = { __proto__: null } as unknown as Record<string, number>;
  const intern = (s: string): number => {
    // A key prefix keeps strings such as "__proto__" ordinary keys of the null-prototype dictionary.
    const k = `#${s}`;
    let i = index[k];
    if (i === undefined) {
      i = strings.length;
      strings[i] = s;
      index[k] = i;
    }
    return i;
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as PageRecord;
    rows[i] =
      r.kind === "eventReceived"
        ? [
            EVENT_ROW,
            intern(r.cid),
            r.wall,
            r.mono,
            intern(r.type),
            r.data,
            r.lastEventId,
            intern(r.origin),
            r.readyState,
            r.trusted ? 1 : 0,
          ]
        : [RECORD_ROW, r];
  }
  return { strings, rows };
}

/**
 * Decodes a run encoded by `encodeRecords` (from an untrusted sender): the records numbered from `fromSeq`,
 * or undefined when the rows are malformed. The records still have to pass the protocol's schema check.
 */
export function decodeRecords(strings: unknown, rows: unknown, fromSeq: number): unknown[] | undefined {
  if (!Array.isArray(strings) || !Array.isArray(rows)) return undefined;
  const str = (i: unknown): string | undefined => {
    if (typeof i !== "number") return undefined;
    const s: unknown = strings[i];
    return typeof s === "string" ? s : undefined;
  };
  const out: unknown[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row)) return undefined;
    const seq = fromSeq + i;
    if (row[0] === EVENT_ROW && row.length === 10) {
      const cid = str(row[1]);
      const type = str(row[4]);
      const origin = str(row[7]);
      if (cid === undefined || type === undefined || origin === undefined) return undefined;
      if (row[9] !== 0 && row[9] !== 1) return undefined;
      out[i] = {
        kind: "eventReceived",
        seq,
        cid,
        wall: row[2],
        mono: row[3],
        type,
        data: row[5],
        lastEventId: row[6],
        origin,
        readyState: row[8],
        trusted: row[9] === 1,
      };
    } else if (row[0] === RECORD_ROW && row.length === 2 && typeof row[1] === "object" && row[1] !== null) {
      out[i] = { ...(row[1] as object), seq };
    } else return undefined;
  }
  return out;
}
