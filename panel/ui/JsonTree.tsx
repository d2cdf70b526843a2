/**
 * Event data that is a JSON object or array, as a collapsible tree (like DevTools' Preview tab): the root
 * open, the rest closed; children are made only when their parent is opened, CHILD_PAGE at a time, with a
 * button that says how many are still hidden. Keys and values are text nodes only: the data is the page's.
 *
 * Test contract: `[data-testid=json-tree]`; each node `[data-testid=json-node]` with `data-path` (keys joined
 * by "/"), `data-kind`, and for objects/arrays `data-open` and a `[data-testid=json-toggle]` button (aria-expanded);
 * `[data-testid=json-more]` with `data-hidden`.
 */
import { useState } from "preact/hooks";
import {
  CHILD_PAGE,
  childCount,
  childrenOf,
  type JsonValue,
  kindOf,
  previewOf,
} from "../../src/model/jsonTree";
import { t } from "../i18n";

export function JsonTree({ value }: { value: JsonValue }) {
  return (
    <section class="json-tree" aria-label={t("layoutJsonTree")} data-testid="json-tree">
      <JsonNode name={undefined} path="" value={value} depth={0} startOpen />
    </section>
  );
}

function JsonNode(props: {
  name: string | undefined;
  path: string;
  value: JsonValue;
  depth: number;
  startOpen?: boolean;
}) {
  const { name, path, value, depth } = props;
  const [open, setOpen] = useState(props.startOpen === true);
  const [limit, setLimit] = useState(CHILD_PAGE);
  const kind = kindOf(value);
  const indent = { paddingLeft: `${depth * 14 + 4}px` };
  const key =
    name === undefined ? null : (
      <>
        <span class="jt-key">{name}</span>
        <span class="jt-colon">: </span>
      </>
    );
  if (kind !== "object" && kind !== "array") {
    return (
      <div
        class="jt-row jt-leaf"
        style={{ paddingLeft: `${depth * 14 + 16}px` }}
        data-testid="json-node"
        data-path={path}
        data-kind={kind}
      >
        {key}
        <span class={`jt-${kind}`}>{kind === "string" ? JSON.stringify(value) : String(value)}</span>
      </div>
    );
  }
  const n = childCount(value);
  const { children, hidden } = open ? childrenOf(value, limit) : { children: [], hidden: 0 };
  return (
    <div data-testid="json-node" data-open={open} data-path={path} data-kind={kind} data-count={n}>
      <button
        type="button"
        class="jt-row jt-toggle"
        style={indent}
        data-testid="json-toggle"
        aria-expanded={open}
        aria-label={open ? t("layoutJsonCollapse") : t("layoutJsonExpand")}
        onClick={() => setOpen(!open)}
      >
        <span class="jt-arrow" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {key}
        <span class="jt-preview">{previewOf(value)}</span>
      </button>
      {open ? (
        <div>
          {children.map((c) => (
            <JsonNode
              key={c.key}
              name={c.key}
              path={path === "" ? c.key : `${path}/${c.key}`}
              value={c.value}
              depth={depth + 1}
            />
          ))}
          {hidden > 0 ? (
            <button
              type="button"
              class="jt-row jt-more"
              style={{ paddingLeft: `${(depth + 1) * 14 + 4}px` }}
              data-testid="json-more"
              data-hidden={hidden}
              onClick={() => setLimit(limit + CHILD_PAGE)}
            >
              {t("layoutJsonShowMore", Math.min(hidden, CHILD_PAGE), hidden)}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
