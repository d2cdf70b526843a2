/**
 * Markup inside a translated sentence: the message is read with `SLOT` for each of its `$n` (the words around
 * it differ per language, and so may their order), then `withNodes` puts the nodes where the slots are.
 * The nodes are the panel's own markup (a `<code>`, a `<b>`), never stream data.
 */
import { type ComponentChildren, Fragment } from "preact";

/** A private-use character no message contains. */
export const SLOT = "\uE000";

/** `text` split at each SLOT, with `nodes[i]` in place of the i-th one. */
export function withNodes(text: string, ...nodes: ComponentChildren[]): ComponentChildren {
  const parts = text.split(SLOT);
  return parts.map((p, i) => (
    <Fragment key={i}>
      {p}
      {i < parts.length - 1 ? nodes[i] : null}
    </Fragment>
  ));
}
