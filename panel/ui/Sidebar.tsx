import { shortUrl, stateExplanation, stateLabel } from "../../src/model/format";
import type { ConnectionSummary } from "../../src/model/reducer";
import type { PanelStore } from "./store";

/** Left column: "All connections", then one entry per EventSource in order of creation. */
export function Sidebar({ store }: { store: PanelStore }) {
  const conns = [...store.state.value.connections.values()];
  const selected = store.selectedCid.value;
  return (
    <nav class="sidebar" aria-label="Connections">
      <div class="sb-title">EventSource connections</div>
      <div role="listbox" aria-label="Connections">
        <div
          class={`sb-item sb-all${selected === "" ? " selected" : ""}`}
          role="option"
          aria-selected={selected === ""}
          tabIndex={0}
          onClick={() => {
            store.selectedCid.value = "";
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === " ") store.selectedCid.value = "";
          }}
        >
          <span class="sb-url">All connections</span>
          <span class="sb-count">{conns.length}</span>
        </div>
        {conns.map((c) => (
          <ConnectionItem
            key={c.cid}
            c={c}
            selected={c.cid === selected}
            onSelect={() => {
              store.selectedCid.value = c.cid;
            }}
          />
        ))}
      </div>
    </nav>
  );
}

function ConnectionItem(props: { c: ConnectionSummary; selected: boolean; onSelect: () => void }) {
  const { c } = props;
  const label = stateLabel(c);
  const tip = [c.url || "URL unknown: created before the oldest record held", stateExplanation(c)].join("\n");
  return (
    <div
      class={`sb-item${props.selected ? " selected" : ""}`}
      role="option"
      aria-selected={props.selected}
      tabIndex={0}
      title={tip}
      data-testid="connection"
      data-cid={c.cid}
      data-state={c.state}
      data-url={c.url}
      data-previous-document={c.previousDocument ? "true" : undefined}
      onClick={props.onSelect}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") props.onSelect();
      }}
    >
      <div class="sb-line">
        <span class={`badge badge-${label}`}>{label}</span>
        <span class={`sb-url${c.placeholder ? " unknown" : ""}`}>{shortUrl(c.url)}</span>
        {c.previousDocument ? (
          <span
            class="badge-prev"
            title="From a previous document: the page reloaded or navigated (Preserve log)"
          >
            previous page
          </span>
        ) : null}
      </div>
      <div class="sb-line sb-facts">
        <span class="sb-n">#{c.n}</span>
        <span title="Messages received (eventReceived)">
          <span data-testid="connection-count">{c.messages}</span> msg
        </span>
        <span title="Reconnects: opens after the browser lost the connection">
          ↻ <span data-testid="connection-reconnects">{c.reconnects}</span>
        </span>
        <span class="sb-id" title="Last event id (lastEventId)">
          id: <span data-testid="connection-last-id">{c.lastEventId}</span>
        </span>
        {c.withCredentials ? (
          <span class="cred" title="withCredentials: true (cookies sent cross-origin)">
            credentials
          </span>
        ) : null}
      </div>
    </div>
  );
}
