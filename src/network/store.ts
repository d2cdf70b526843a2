/**
 * The background's network attempts per tab (see `NetworkAttemptSchema`): bounded, oldest evicted first and
 * counted. Plain TypeScript, unit-tested.
 */
import type { NetworkAttempt, TabNetworkAttempt } from "../protocol/index";

/** Attempts kept per tab. Each holds at most 5 000 parsed items, so this bounds memory too. */
export const NETWORK_CAP = 500;

interface TabNet {
  list: TabNetworkAttempt[];
  next: number;
  dropped: number;
}

export class NetworkStore {
  private tabs = new Map<number, TabNet>();

  constructor(private readonly cap = NETWORK_CAP) {}

  add(tabId: number, a: NetworkAttempt): TabNetworkAttempt {
    let t = this.tabs.get(tabId);
    if (!t) {
      t = { list: [], next: 0, dropped: 0 };
      this.tabs.set(tabId, t);
    }
    const stamped: TabNetworkAttempt = { ...a, netSeq: t.next++ };
    t.list.push(stamped);
    if (t.list.length > this.cap) {
      const over = t.list.length - this.cap;
      t.list.splice(0, over);
      t.dropped += over;
    }
    return stamped;
  }

  list(tabId: number): TabNetworkAttempt[] {
    return this.tabs.get(tabId)?.list.slice() ?? [];
  }

  dropped(tabId: number): number {
    return this.tabs.get(tabId)?.dropped ?? 0;
  }

  /** The top frame navigated at `timeStamp`: attempts that started before it belong to the old page. */
  navigated(tabId: number, timeStamp: number): void {
    const t = this.tabs.get(tabId);
    if (t) t.list = t.list.filter((a) => a.startedWall >= timeStamp);
  }

  removeTab(tabId: number): void {
    this.tabs.delete(tabId);
  }
}
