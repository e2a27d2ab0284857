// What one turn of the event loop hands to another thread, sent in one message: a postMessage costs far
// more than the few bytes it carries, and waking the other thread once beats waking it per item.
// setImmediate runs after the poll phase, so everything the turn's I/O produced joins the batch.

export class TurnBatch<T> {
  private items: T[] = [];

  constructor(private readonly send: (items: T[]) => void) {}

  /** Adds an item; the batch goes out when this turn of the event loop ends. */
  add(item: T): void {
    if (this.items.push(item) === 1) {
      setImmediate(() => {
        this.flush();
      });
    }
  }

  /** Sends what was added so far, now (nothing when empty). */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.send(items);
  }

  /** Forgets what was added (its senders were answered some other way). */
  clear(): void {
    this.items = [];
  }
}
