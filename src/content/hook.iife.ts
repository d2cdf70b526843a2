/**
 * Page-world entry (content script, world MAIN, document_start, every frame). Built as one classic,
 * self-contained script — the `.iife.ts` suffix tells @crxjs/vite-plugin not to put an async module loader in
 * front of it, which would run after the page's own scripts. No extension APIs exist in this world.
 */
import { RecordBuffer } from "../hook/buffer";
import { installHook } from "../hook/install";
import { PROTOCOL_VERSION } from "../protocol/constants";
import type { HookDown, HookUp } from "../protocol/index";
import { encodeRecords } from "../protocol/wire";
import { openHookEnd, randomId } from "./channel";

/** Hot traffic is batched: at most one channel message per FLUSH_MS, or sooner when this many wait. */
const FLUSH_MS = 20;
const FLUSH_AT = 500;

(() => {
  const win = window;
  const setTimeoutNative = win.setTimeout.bind(win);
  const docId = randomId(8);
  const top = win === win.top;
  const buffer = new RecordBuffer();
  let timer = false;

  const flush = (announce = false) => {
    timer = false;
    if (!channel.ready) return;
    const { fromSeq, records } = buffer.takeUnsent();
    if (records.length === 0 && !announce) return;
    const message: HookUp = {
      v: PROTOCOL_VERSION,
      kind: "recordsCaptured",
      docId,
      frameUrl: win.location.href,
      top,
      fromSeq,
      oldestSeq: buffer.oldestSeq,
      ...encodeRecords(records),
    };
    channel.post(message);
  };

  const channel = openHookEnd(win.document, () => flush());
  channel.listen((m) => {
    // The relay checked the message against the protocol; this world cannot load the schema library.
    const msg = m as HookDown;
    if (msg?.v !== PROTOCOL_VERSION) return;
    if (msg.kind === "resendRecords" && msg.docId === docId) {
      buffer.rewind(msg.fromSeq);
      flush();
    } else if (msg.kind === "announceRecords") {
      flush(true);
    } else if (msg.kind === "configureHook") {
      buffer.setLimits({ records: msg.pageBufferCap, dataChars: buffer.limits.dataChars });
    } else if (msg.kind === "closeConnection" && (msg.mode === "close" || msg.mode === "fail")) {
      // Only the relay can speak on this channel (its secret); the relay forwards it only from the extension
      // (runtime.onMessage), never from the page. The record it makes is the acknowledgement; flush it now.
      if (hook?.forceClose(String(msg.cid), msg.mode)) flush();
    }
  });

  const hook = installHook(win, docId, (record) => {
    buffer.push(record);
    // Flush before the buffer's own cap could trim records that were never sent (a small configured cap).
    if (buffer.unsentCount >= Math.min(FLUSH_AT, buffer.limits.records)) flush();
    else if (!timer) {
      timer = true;
      setTimeoutNative(flush, FLUSH_MS);
    }
  });
})();
