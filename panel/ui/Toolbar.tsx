import { filteredCount } from "../../src/model/filter";
import { logSize } from "../../src/model/log";
import type { PanelStore } from "./store";

const fmt = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Top bar, after DevTools' Network toolbar: clear, text filter, type filter, counts. */
export function Toolbar({ store }: { store: PanelStore }) {
  const types = store.types.value;
  const type = store.filterType.value;
  const t = store.totals.value;
  const shown = filteredCount(store.view.value);
  const total = logSize(store.state.value.rows);
  // Keep a chosen type selectable even when no connection mentions it any more (after a clear or navigation).
  const options = type !== "" && !types.includes(type) ? [type, ...types] : types;
  return (
    <div class="toolbar" role="toolbar" aria-label="SSE toolbar">
      <button
        type="button"
        class="tb-button"
        data-testid="clear"
        title="Clear (rows and counts; open connections stay listed)"
        aria-label="Clear"
        onClick={() => store.clear()}
      >
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="8" cy="8" r="5.25" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M4.4 11.6 11.6 4.4" stroke="currentColor" stroke-width="1.5" />
        </svg>
      </button>
      <span class="tb-sep" />
      <input
        type="search"
        class="tb-filter"
        data-testid="filter-text"
        placeholder="Filter type, data, id"
        aria-label="Filter rows by event type, data or id"
        spellcheck={false}
        value={store.filterText.value}
        onInput={(e) => {
          store.filterText.value = e.currentTarget.value;
        }}
      />
      <select
        class="tb-select"
        data-testid="filter-type"
        aria-label="Show only events of this type"
        title="Show only events of this type"
        value={type}
        onChange={(e) => {
          store.filterType.value = e.currentTarget.value;
        }}
      >
        <option value="">All event types</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      <label
        class="tb-summary"
        title="Keep the rows of previous pages when this tab reloads or navigates (remembered in this browser)"
      >
        <input
          type="checkbox"
          data-testid="preserve-log"
          checked={store.preserveLog.value}
          onChange={(e) => {
            store.preserveLog.value = e.currentTarget.checked;
          }}
        />{" "}
        Preserve log
      </label>
      <label class="tb-summary" title="Show ':' comment lines (heartbeats) in the network record of attempts">
        <input
          type="checkbox"
          data-testid="toggle-comments"
          checked={store.showComments.value}
          onChange={(e) => {
            store.showComments.value = e.currentTarget.checked;
          }}
        />{" "}
        Comments
      </label>
      <span class="tb-sep" />
      <span class="tb-summary" data-testid="summary">
        {plural(t.connections, "connection")} · {plural(t.messages, "message")} · {plural(t.errors, "error")}{" "}
        · {plural(t.reconnects, "reconnect")}
      </span>
      <span class="tb-grow" />
      <span class="tb-summary" title="Rows shown / rows held">
        {shown === total ? plural(total, "row") : `${fmt(shown)} / ${fmt(total)} rows`}
      </span>
    </div>
  );
}
