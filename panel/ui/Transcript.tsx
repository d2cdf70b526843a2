/**
 * The "Transcript" section of the detail pane (issue 6): for a connection whose events are an LLM stream
 * (src/model/transcript.ts), the reply as the events spell it out, growing live, with time to first token,
 * tokens/s and the finish reason. Text only: stream data never becomes markup.
 */
import { useRef } from "preact/hooks";
import { formatMs } from "../../src/model/format";
import { logAt } from "../../src/model/log";
import type { TableRow } from "../../src/model/reducer";
import { type Transcript as Result, TranscriptBuilder } from "../../src/model/transcript";
import { t } from "../i18n";
import type { PanelStore } from "./store";

interface Fed {
  cid: string;
  lineage: object;
  /** Absolute row index fed up to. */
  upTo: number;
  builder: TranscriptBuilder;
}

/** The transcript of connection `cid` so far, fed only the rows that arrived since the last call. */
function useTranscript(store: PanelStore, cid: string): Result | undefined {
  const cache = useRef<Fed | undefined>(undefined);
  const state = store.state.value;
  const c = state.connections.get(cid);
  if (!c) return undefined;
  const rows = state.rows;
  let fed = cache.current;
  if (!fed || fed.cid !== cid || fed.lineage !== rows.lineage || fed.upTo < rows.start) {
    const start = c.stream?.requestMono ?? c.createdMono ?? 0;
    fed = { cid, lineage: rows.lineage, upTo: rows.start, builder: new TranscriptBuilder(start) };
    cache.current = fed;
  }
  for (let i = fed.upTo; i < rows.end; i++) {
    const r = (logAt(rows, i) as TableRow).rec;
    if (r?.kind === "eventReceived" && r.cid === cid && r.trusted)
      fed.builder.feed({ type: r.type, data: r.data, mono: r.mono });
  }
  fed.upTo = rows.end;
  return fed.builder.result();
}

const SHAPE_NAMES: Record<Result["shape"], string> = {
  "openai-chat": "OpenAI Chat Completions",
  "openai-responses": "OpenAI Responses",
  anthropic: "Anthropic Messages",
};

export function Transcript({ store, cid }: { store: PanelStore; cid: string }) {
  const tr = useTranscript(store, cid);
  if (!tr) return null;
  const rate =
    tr.tokensPerSecond === undefined
      ? "—"
      : tr.rateFrom === "usage"
        ? t("transcriptRate", tr.tokensPerSecond.toFixed(1))
        : t("transcriptRateEstimated", tr.tokensPerSecond.toFixed(1));
  const facts: [string, string, string][] = [
    ["shape", t("transcriptShape"), SHAPE_NAMES[tr.shape]],
    ["model", t("transcriptModel"), tr.model ?? "—"],
    [
      "ttft",
      t("transcriptTtft"),
      tr.timeToFirstTokenMs === undefined ? "—" : formatMs(tr.timeToFirstTokenMs),
    ],
    ["rate", t("transcriptTokensPerSecond"), rate],
    ["tokens", t("transcriptTokens"), `${tr.inputTokens ?? "—"} → ${tr.outputTokens ?? "—"}`],
    ["finish", t("transcriptFinish"), tr.finishReason ?? (tr.done ? "—" : t("transcriptStreaming"))],
  ];
  return (
    <section
      class="section transcript"
      data-testid="transcript"
      data-shape={tr.shape}
      data-done={String(tr.done)}
    >
      <h3>{t("transcriptTitle")}</h3>
      <dl class="fields">
        {facts.map(([key, label, value]) => (
          <div key={key} data-testid={`transcript-${key}`} data-value={value}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {tr.malformed > 0 ? (
          <div data-testid="transcript-malformed">
            <dt>{t("transcriptMalformed")}</dt>
            <dd>{tr.malformed}</dd>
          </div>
        ) : null}
        {tr.error ? (
          <div data-testid="transcript-error">
            <dt>{t("transcriptError")}</dt>
            <dd>{tr.error}</dd>
          </div>
        ) : null}
      </dl>
      {tr.blocks.map((b) => (
        <div key={b.key} class={`tr-block tr-${b.kind}`} data-testid="transcript-block" data-kind={b.kind}>
          <div class="tr-head">
            {b.kind === "text"
              ? t("transcriptText")
              : b.kind === "thinking"
                ? t("transcriptThinking")
                : t("transcriptTool", b.name ?? "?")}
          </div>
          <pre class="tr-text" data-testid="transcript-text">
            {b.text}
          </pre>
        </div>
      ))}
    </section>
  );
}
