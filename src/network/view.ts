/**
 * What the panel shows of the network record: every connection's attempts joined with it (match.ts), and
 * the plain shape end-to-end tests read as `window.__sseAttempts`. Pure.
 */
import { listenedTypes } from "../model/format";
import type { PanelState } from "../model/reducer";
import type { TabNetworkAttempt } from "../protocol/index";
import { type MatchedAttempt, matchTab, type NetRow } from "./match";

/** Matches the whole tab. O(attempts × network attempts of the same URL + network items): run on demand. */
export function matchState(state: PanelState): Map<string, MatchedAttempt[]> {
  return matchTab(
    [...state.connections.values()].map((c) => ({
      cid: c.cid,
      url: c.url,
      frameId: c.frameId,
      listened: listenedTypes(c),
      attempts: c.attempts,
    })),
    state.network,
  );
}

/** Rows shown for an attempt: comments only when the toolbar's toggle shows them. */
export const visibleRows = (a: MatchedAttempt, showComments: boolean): readonly NetRow[] =>
  showComments ? a.rows : a.rows.filter((r) => r.kind !== "comment");

export interface PlainNetRow {
  /** "networkEvent" | "retry" | "retryIgnored" | "comment" | "idOnly" */
  kind: string;
  type?: string;
  data?: string;
  id?: string;
  delivered?: boolean;
  /** For undelivered events: "noListener" | "notInPageRecord". */
  why?: string;
  retry?: number;
  text?: string;
}

export interface PlainAttempt {
  cid: string;
  attempt: number;
  /** Whose network record: "devtools" (with body), "webRequest" (no body), null (none). */
  source: string | null;
  status: number | null;
  contentType: string | null;
  lastEventId: string | null;
  lastEventIdFrom: "header" | "inferred";
  gapMs: number | null;
  ending: string;
  /** Events the stream dispatched; null when unknown (no record, or webRequest's without body). */
  events: number | null;
  itemsDropped: number;
  rows: PlainNetRow[];
}

export function plainNetRow(r: NetRow): PlainNetRow {
  switch (r.kind) {
    case "event":
      return {
        kind: "networkEvent",
        type: r.type,
        data: r.data,
        id: r.lastEventId,
        delivered: r.delivered === "delivered",
        ...(r.delivered === "delivered" ? {} : { why: r.delivered }),
      };
    case "retry":
      return { kind: "retry", retry: r.ms };
    case "retryIgnored":
      return { kind: "retryIgnored", text: r.value };
    case "comment":
      return { kind: "comment", text: r.text };
    case "idOnly":
      return { kind: "idOnly", id: r.id };
  }
}

export function plainAttempts(matched: Map<string, MatchedAttempt[]>, showComments: boolean): PlainAttempt[] {
  const out: PlainAttempt[] = [];
  for (const [cid, list] of matched) {
    for (const a of list) {
      out.push({
        cid,
        attempt: a.k,
        source: a.net?.source ?? null,
        status: a.net?.status ?? null,
        contentType: a.net?.contentType ?? null,
        lastEventId: a.lastEventId ?? null,
        lastEventIdFrom: a.lastEventIdFrom,
        gapMs: a.gapMs ?? null,
        ending: a.ending,
        events: a.net?.bodyKnown ? a.net.events : null,
        itemsDropped: a.net?.itemsDropped ?? 0,
        rows: visibleRows(a, showComments).map(plainNetRow),
      });
    }
  }
  return out;
}

/** The tab's network records as held (`window.__sseNetwork`): each attempt must appear once. */
export interface PlainNetworkRecord {
  netSeq: number;
  source: string;
  url: string;
  frameId: number | null;
  status: number;
  lastEventIdSent: string | null;
  bodyKnown: boolean;
  error: string | null;
}

export const plainNetwork = (net: readonly TabNetworkAttempt[]): PlainNetworkRecord[] =>
  net.map((n) => ({
    netSeq: n.netSeq,
    source: n.source,
    url: n.url,
    frameId: n.frameId ?? null,
    status: n.status,
    lastEventIdSent: n.lastEventIdSent ?? null,
    bodyKnown: n.bodyKnown,
    error: n.error ?? null,
  }));
