/**
 * The assembled reply of an LLM stream (issue 6): when a connection's events have the shape of OpenAI chat
 * completions chunks, OpenAI Responses API events or Anthropic Messages events, the text, thinking and tool
 * calls they spell out, as they grow, with time to first token, tokens/s and the finish reason.
 *
 * Incremental: `feed` takes one event at a time (O(1) amortized per event), so a live stream of thousands of
 * token events costs nothing per update. Shapes are told by the events themselves (the transport does not
 * matter: EventSource, fetch or XHR). A stream whose first events match none of them has no transcript; an
 * event of a known stream that is not valid JSON is counted, never fatal.
 *
 * Shapes, as the providers document their streams:
 * - OpenAI chat completions: `data: {"object":"chat.completion.chunk","choices":[{"index","delta":{"content",
 *   "tool_calls":[{"index","id","function":{"name","arguments"}}]},"finish_reason"}],"usage"?}` … `data: [DONE]`;
 * - OpenAI Responses: `event: response.*` with `response.output_text.delta`, `response.function_call_arguments
 *   .delta`, `response.reasoning_summary_text.delta`, `response.output_item.added`, `response.completed` /
 *   `.incomplete` / `.failed` (usage input_tokens / output_tokens);
 * - Anthropic Messages: `message_start`, `content_block_start` / `_delta` (text_delta, thinking_delta,
 *   input_json_delta) / `_stop`, `message_delta` (stop_reason, usage.output_tokens), `message_stop`, `ping`,
 *   `error`.
 */

export type TranscriptShape = "openai-chat" | "openai-responses" | "anthropic";

export interface TranscriptBlock {
  /** Where it sits in the reply (choice / output item / content block), in order of first appearance. */
  readonly key: string;
  readonly kind: "text" | "thinking" | "tool";
  /** Tool name, for tool calls. */
  readonly name?: string;
  /** Text so far (for a tool call: its arguments as streamed, usually JSON). */
  readonly text: string;
}

export interface Transcript {
  readonly shape: TranscriptShape;
  readonly model?: string;
  readonly blocks: readonly TranscriptBlock[];
  /** ms from the stream's start (the request or the EventSource's creation) to the first content delta. */
  readonly timeToFirstTokenMs?: number;
  /** Output tokens per second between the first and the last delta: from usage when the stream reports it. */
  readonly tokensPerSecond?: number;
  /** "usage": tokensPerSecond from the provider's output token count; "deltas": estimated, one per delta. */
  readonly rateFrom?: "usage" | "deltas";
  readonly outputTokens?: number;
  readonly inputTokens?: number;
  readonly finishReason?: string;
  /** The stream said it is complete ([DONE], response.completed, message_stop). */
  readonly done: boolean;
  readonly deltas: number;
  /** Events of the stream that were not valid JSON where JSON was expected. */
  readonly malformed: number;
  /** An `error` event's message (Anthropic `error`, Responses `response.failed` / `error`). */
  readonly error?: string;
}

export interface TranscriptEvent {
  type: string;
  data: string;
  /** mono time (ms) the event arrived. */
  mono: number;
}

/** Events looked at for a known shape before giving up (a first `ping` or comment-like event may precede). */
const DETECT_WITHIN = 8;

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | undefined =>
  typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Json) : undefined;
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

const ANTHROPIC_TYPES = new Set([
  "message_start",
  "message_delta",
  "message_stop",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
]);

function detect(ev: TranscriptEvent, json: Json | undefined): TranscriptShape | undefined {
  const type = str(json?.type) ?? ev.type;
  if (type.startsWith("response.")) return "openai-responses";
  if (ANTHROPIC_TYPES.has(type)) return "anthropic";
  if (json && (json.object === "chat.completion.chunk" || Array.isArray(json.choices))) return "openai-chat";
  return undefined;
}

export class TranscriptBuilder {
  private shape: TranscriptShape | undefined;
  private seen = 0;
  private blocks = new Map<
    string,
    { key: string; kind: TranscriptBlock["kind"]; name?: string; parts: string[] }
  >();
  private model: string | undefined;
  private firstMono: number | undefined;
  private lastDeltaMono: number | undefined;
  private deltas = 0;
  private malformed = 0;
  private outputTokens: number | undefined;
  private inputTokens: number | undefined;
  private finishReason: string | undefined;
  private error: string | undefined;
  private done = false;
  private cached: Transcript | undefined;

  /** `startMono`: when the request was made (fetch/XHR) or the EventSource created. */
  constructor(private readonly startMono: number) {}

  feed(ev: TranscriptEvent): void {
    if (this.shape === undefined && this.seen >= DETECT_WITHIN) return;
    this.seen++;
    if (this.shape === "openai-chat" && ev.data.trim() === "[DONE]") {
      this.done = true;
      this.cached = undefined;
      return;
    }
    let json: Json | undefined;
    try {
      json = obj(JSON.parse(ev.data));
    } catch {
      if (this.shape !== undefined) this.malformed++;
      this.cached = undefined;
      return;
    }
    this.shape ??= detect(ev, json);
    if (this.shape === undefined || json === undefined) return;
    this.cached = undefined;
    if (this.shape === "openai-chat") this.chat(json, ev.mono);
    else if (this.shape === "openai-responses") this.responses(json, ev.mono, str(json.type) ?? ev.type);
    else this.anthropic(json, ev.mono, str(json.type) ?? ev.type);
  }

  /** The transcript so far, or undefined while the stream has no known shape. */
  result(): Transcript | undefined {
    if (this.shape === undefined) return undefined;
    if (this.cached) return this.cached;
    const blocks = [...this.blocks.values()].map(
      (b): TranscriptBlock => ({
        key: b.key,
        kind: b.kind,
        ...(b.name === undefined ? {} : { name: b.name }),
        text: b.parts.join(""),
      }),
    );
    // Joined once per read, not per delta: parts grow, the text is built when someone looks.
    for (const b of this.blocks.values()) b.parts = [blocks.find((x) => x.key === b.key)?.text ?? ""];
    const span =
      this.firstMono !== undefined && this.lastDeltaMono !== undefined
        ? (this.lastDeltaMono - this.firstMono) / 1000
        : 0;
    const tokens = this.outputTokens ?? this.deltas;
    const rateFrom = this.outputTokens !== undefined ? "usage" : "deltas";
    this.cached = {
      shape: this.shape,
      ...(this.model === undefined ? {} : { model: this.model }),
      blocks,
      ...(this.firstMono === undefined ? {} : { timeToFirstTokenMs: this.firstMono - this.startMono }),
      ...(span > 0 && tokens > 0 ? { tokensPerSecond: tokens / span, rateFrom } : {}),
      ...(this.outputTokens === undefined ? {} : { outputTokens: this.outputTokens }),
      ...(this.inputTokens === undefined ? {} : { inputTokens: this.inputTokens }),
      ...(this.finishReason === undefined ? {} : { finishReason: this.finishReason }),
      ...(this.error === undefined ? {} : { error: this.error }),
      done: this.done,
      deltas: this.deltas,
      malformed: this.malformed,
    };
    return this.cached;
  }

  private block(key: string, kind: TranscriptBlock["kind"], name?: string) {
    let b = this.blocks.get(key);
    if (!b) {
      b = { key, kind, parts: [] };
      this.blocks.set(key, b);
    }
    if (name !== undefined && b.name === undefined) b.name = name;
    return b;
  }

  private delta(key: string, kind: TranscriptBlock["kind"], text: string | undefined, mono: number) {
    if (text === undefined || text === "") return;
    this.block(key, kind).parts.push(text);
    this.deltas++;
    this.firstMono ??= mono;
    this.lastDeltaMono = mono;
  }

  private chat(json: Json, mono: number) {
    this.model ??= str(json.model);
    const usage = obj(json.usage);
    if (usage) {
      this.outputTokens = num(usage.completion_tokens) ?? this.outputTokens;
      this.inputTokens = num(usage.prompt_tokens) ?? this.inputTokens;
    }
    const choices = Array.isArray(json.choices) ? json.choices : [];
    for (const c of choices) {
      const choice = obj(c);
      if (!choice) continue;
      const i = num(choice.index) ?? 0;
      const delta = obj(choice.delta);
      if (delta) {
        this.delta(`c${i}`, "text", str(delta.content), mono);
        this.delta(`c${i}r`, "thinking", str(delta.reasoning_content) ?? str(delta.reasoning), mono);
        const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
        for (const tc of calls) {
          const call = obj(tc);
          if (!call) continue;
          const key = `c${i}t${num(call.index) ?? 0}`;
          const fn = obj(call.function);
          this.block(key, "tool", str(fn?.name));
          this.delta(key, "tool", str(fn?.arguments), mono);
        }
      }
      const finish = str(choice.finish_reason);
      if (finish) this.finishReason = finish;
    }
  }

  private responses(json: Json, mono: number, type: string) {
    const key = `o${num(json.output_index) ?? 0}`;
    const response = obj(json.response);
    if (response) this.model ??= str(response.model);
    switch (type) {
      case "response.output_item.added": {
        const item = obj(json.item);
        if (str(item?.type) === "function_call") this.block(key, "tool", str(item?.name));
        else if (str(item?.type) === "reasoning") this.block(key, "thinking");
        break;
      }
      case "response.output_text.delta":
        this.delta(key, "text", str(json.delta), mono);
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.delta(key, "thinking", str(json.delta), mono);
        break;
      case "response.function_call_arguments.delta":
        this.delta(key, "tool", str(json.delta), mono);
        break;
      case "response.completed":
      case "response.incomplete":
      case "response.failed": {
        this.done = true;
        const usage = obj(response?.usage);
        this.outputTokens = num(usage?.output_tokens) ?? this.outputTokens;
        this.inputTokens = num(usage?.input_tokens) ?? this.inputTokens;
        const reason = str(obj(response?.incomplete_details)?.reason);
        this.finishReason = reason ?? str(response?.status) ?? type.slice("response.".length);
        const err = obj(response?.error);
        if (err) this.error = str(err.message) ?? str(err.code);
        break;
      }
      case "error":
        this.error = str(json.message) ?? str(obj(json.error)?.message);
        break;
    }
  }

  private anthropic(json: Json, mono: number, type: string) {
    const key = `b${num(json.index) ?? 0}`;
    switch (type) {
      case "message_start": {
        const message = obj(json.message);
        this.model ??= str(message?.model);
        const usage = obj(message?.usage);
        this.inputTokens = num(usage?.input_tokens) ?? this.inputTokens;
        break;
      }
      case "content_block_start": {
        const block = obj(json.content_block);
        const t = str(block?.type);
        if (t === "tool_use" || t === "server_tool_use") this.block(key, "tool", str(block?.name));
        else if (t === "thinking" || t === "redacted_thinking") this.block(key, "thinking");
        else this.block(key, "text");
        break;
      }
      case "content_block_delta": {
        const d = obj(json.delta);
        const t = str(d?.type);
        if (t === "text_delta") this.delta(key, "text", str(d?.text), mono);
        else if (t === "thinking_delta") this.delta(key, "thinking", str(d?.thinking), mono);
        else if (t === "input_json_delta") this.delta(key, "tool", str(d?.partial_json), mono);
        break;
      }
      case "message_delta": {
        const reason = str(obj(json.delta)?.stop_reason);
        if (reason) this.finishReason = reason;
        this.outputTokens = num(obj(json.usage)?.output_tokens) ?? this.outputTokens;
        break;
      }
      case "message_stop":
        this.done = true;
        break;
      case "error":
        this.error = str(obj(json.error)?.message) ?? "error";
        break;
    }
  }
}
