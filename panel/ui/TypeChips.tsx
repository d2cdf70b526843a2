import { useEffect, useRef, useState } from "preact/hooks";
import { topTypes } from "../../src/model/filter";
import { formatCount as fmt } from "../../src/model/format";
import { t } from "../i18n";
import type { PanelStore } from "./store";

/** Chips shown in the bar; the rest are behind "+N more". */
const CHIPS = 12;
/** Rows the "+N more" list renders at once (10 000 types on some pages): the search narrows the rest. */
const LIST_CAP = 200;

/**
 * Event-name chips, like DevTools' resource-type filter bar: "All", then the most frequent types with their
 * counts. Click toggles a type (multi-select); Alt/Ctrl/⌘-click, or "only" in the list, selects it alone.
 * Counts come from the store's incremental per-type counters.
 */
export function TypeChips({ store }: { store: PanelStore }) {
  const counts = store.typeCounts.value.counts;
  const selected = store.filterTypes.value;
  const [open, setOpen] = useState(false);
  // Types only the network record saw (no listener): a chip too, to narrow the grid to those rows.
  const undelivered = store.undeliveredTypes.value.filter((x) => !counts.has(x) && !selected.includes(x));
  if (counts.size === 0 && selected.length === 0 && undelivered.length === 0) return null;
  const top = topTypes(counts, CHIPS, [...selected, ...undelivered]);
  const more = Math.max(0, counts.size - top.filter((x) => counts.has(x)).length);
  const isOn = (type: string) => selected.includes(type);
  const toggle = (type: string) => {
    store.filterTypes.value = isOn(type) ? selected.filter((x) => x !== type) : [...selected, type];
  };
  const only = (type: string) => {
    store.filterTypes.value = [type];
  };
  return (
    <div class="chips" role="toolbar" aria-label={t("filterChipsLabel")} data-testid="type-chips">
      <button
        type="button"
        class={`chip${selected.length === 0 ? " on" : ""}`}
        data-testid="chip-all"
        aria-pressed={selected.length === 0}
        title={t("filterChipAllTip")}
        onClick={() => {
          store.filterTypes.value = [];
        }}
      >
        {t("filterChipAll")}
      </button>
      <span class="tb-sep" />
      {top.map((type) => (
        <button
          key={type}
          type="button"
          class={`chip${isOn(type) ? " on" : ""}`}
          data-testid="chip"
          data-type={type}
          data-count={counts.get(type) ?? 0}
          aria-pressed={isOn(type)}
          title={t("filterChipTip", type, fmt(counts.get(type) ?? 0))}
          onClick={(e) => (e.altKey || e.ctrlKey || e.metaKey ? only(type) : toggle(type))}
        >
          <span class="chip-name">{type === "" ? '""' : type}</span>
          <span class="chip-count">{fmt(counts.get(type) ?? 0)}</span>
        </button>
      ))}
      {more > 0 && (
        <span class="tb-menu">
          <button
            type="button"
            class="chip chip-more"
            data-testid="chip-more"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {t("filterChipMore", fmt(more))}
          </button>
          {open && (
            <TypeList store={store} onClose={() => setOpen(false)} toggle={toggle} only={only} isOn={isOn} />
          )}
        </span>
      )}
    </div>
  );
}

/** The searchable list of every type: substring search, most frequent first, at most LIST_CAP rendered. */
function TypeList(props: {
  store: PanelStore;
  onClose: () => void;
  toggle: (type: string) => void;
  only: (type: string) => void;
  isOn: (type: string) => boolean;
}) {
  const counts = props.store.typeCounts.value.counts;
  const [q, setQ] = useState("");
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    const close = (e: Event) => {
      if (
        e instanceof KeyboardEvent
          ? e.key === "Escape"
          : !root.current?.parentElement?.contains(e.target as Node)
      )
        props.onClose();
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [props.onClose]);
  const needle = q.trim().toLowerCase();
  const matches: string[] = [];
  for (const type of counts.keys())
    if (needle === "" || type.toLowerCase().includes(needle)) matches.push(type);
  const shown = topTypes(new Map(matches.map((m) => [m, counts.get(m) ?? 0])), LIST_CAP);
  return (
    <div class="tb-popup type-list" ref={root} data-testid="chip-list">
      <input
        ref={input}
        type="search"
        class="tb-filter type-search"
        data-testid="chip-search"
        placeholder={t("filterChipSearch")}
        aria-label={t("filterChipSearch")}
        spellcheck={false}
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      <ul>
        {shown.map((type) => (
          <li key={type} data-testid="chip-option" data-type={type}>
            <label>
              <input type="checkbox" checked={props.isOn(type)} onChange={() => props.toggle(type)} />{" "}
              <span class="chip-name">{type === "" ? '""' : type}</span>
            </label>
            <span class="chip-count">{fmt(counts.get(type) ?? 0)}</span>
            <button
              type="button"
              class="tb-text-button"
              data-testid="chip-only"
              title={t("filterChipOnlyTip")}
              onClick={() => props.only(type)}
            >
              {t("filterChipOnly")}
            </button>
          </li>
        ))}
      </ul>
      {matches.length > shown.length && (
        <div class="hint">{t("filterChipListCap", fmt(matches.length - shown.length))}</div>
      )}
    </div>
  );
}
