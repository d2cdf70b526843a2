import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStream } from "../network/parse";
import { type Transcript, TranscriptBuilder } from "./transcript";

/** A recorded stream (e2e/fixtures/llm/NAME.txt) fed event by event, 10 ms apart from t = 100 ms. */
function run(name: string, upTo = Number.POSITIVE_INFINITY): Transcript | undefined {
  const body = readFileSync(new URL(`../../e2e/fixtures/llm/${name}.txt`, import.meta.url), "utf8");
  const b = new TranscriptBuilder(0);
  let i = 0;
  for (const item of parseStream(body, { maxItems: 10_000 }).items) {
    if (item.kind !== "event" || i >= upTo) continue;
    b.feed({ type: item.type, data: item.data, mono: 100 + 10 * i++ });
  }
  return b.result();
}
const texts = (t: Transcript | undefined) => t?.blocks.map((b) => [b.kind, b.name ?? "", b.text]);

describe("LLM transcripts from recorded streams", () => {
  it("OpenAI chat completions: text, a tool call assembled from argument deltas, usage, [DONE]", () => {
    const t = run("openai-chat");
    expect(t?.shape).toBe("openai-chat");
    expect(t?.model).toBe("gpt-4o-mini-2024-07-18");
    expect(texts(t)).toEqual([
      ["text", "", "The weather in Paris is mild: 18°C and sunny. Let me check tomorrow."],
      ["tool", "get_forecast", '{"city":"Paris","days":1}'],
    ]);
    expect(JSON.parse(t?.blocks[1]?.text ?? "")).toEqual({ city: "Paris", days: 1 });
    expect(t).toMatchObject({ finishReason: "tool_calls", done: true, outputTokens: 29, inputTokens: 41 });
    // The first event has an empty content: the first token is the second event (t = 110 ms).
    expect(t?.timeToFirstTokenMs).toBe(110);
    expect(t?.rateFrom).toBe("usage");
  });

  it("OpenAI Responses: reasoning summary, output text, function call arguments, completed usage", () => {
    const t = run("openai-responses");
    expect(t?.shape).toBe("openai-responses");
    expect(t?.model).toBe("o4-mini-2025-04-16");
    expect(texts(t)).toEqual([
      ["thinking", "", "**Planning** the answer"],
      ["text", "", "Sure! Two plus two is four."],
      ["tool", "log_answer", '{"value":4}'],
    ]);
    expect(t).toMatchObject({ finishReason: "completed", done: true, outputTokens: 87, inputTokens: 36 });
  });

  it("Anthropic Messages: thinking, text and tool input deltas per content block, stop reason, usage", () => {
    const t = run("anthropic");
    expect(t?.shape).toBe("anthropic");
    expect(t?.model).toBe("claude-sonnet-4-5-20250929");
    expect(texts(t)).toEqual([
      ["thinking", "", "The user's question is simple."],
      ["text", "", "Hello! I can look that up."],
      ["tool", "get_weather", '{"location": "San Francisco, CA"}'],
    ]);
    expect(t).toMatchObject({ finishReason: "tool_use", done: true, outputTokens: 89, inputTokens: 472 });
  });

  it("grows as events arrive, and is not done before the end", () => {
    const early = run("anthropic", 10);
    expect(early?.done).toBe(false);
    expect(early?.blocks[1]?.text).toBe("Hello");
    expect(early?.finishReason).toBeUndefined();
  });

  it("estimates tokens/s from deltas when the stream reports no usage, and says so", () => {
    const b = new TranscriptBuilder(0);
    for (let i = 0; i < 11; i++)
      b.feed({
        type: "message",
        data: JSON.stringify({
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { content: "x" } }],
        }),
        mono: 1000 + 100 * i,
      });
    const t = b.result();
    expect(t).toMatchObject({ rateFrom: "deltas", deltas: 11, timeToFirstTokenMs: 1000 });
    expect(t?.tokensPerSecond).toBeCloseTo(11 / 1, 5);
  });

  it("offers none for other streams, and counts malformed events of a known one", () => {
    expect(run("unknown")).toBeUndefined();
    const b = new TranscriptBuilder(0);
    b.feed({ type: "message_start", data: '{"type":"message_start","message":{"model":"m"}}', mono: 1 });
    b.feed({ type: "content_block_delta", data: "{not json", mono: 2 });
    b.feed({
      type: "content_block_delta",
      data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}',
      mono: 3,
    });
    expect(b.result()).toMatchObject({ malformed: 1, blocks: [{ kind: "text", text: "ok" }] });
  });
});
