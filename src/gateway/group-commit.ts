// Group commit for the inbox: bodies that arrive while a commit is in progress are written together in the
// next transaction, and each request is answered only after the transaction holding its body commits.
import type { InboxAppend } from '../store/index.js';
import type { InboxSink } from './ingress.js';

interface Pending {
  item: InboxAppend;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter implements InboxSink {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly write: (items: readonly InboxAppend[]) => Promise<number[]>,
    private readonly maxBatch = 500,
  ) {}

  append(item: InboxAppend): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every body appended so far is committed (or failed). */
  async idle(): Promise<void> {
    while (this.flushing || this.scheduled || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const ids = await this.write(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        p.resolve(ids[i] ?? -1);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
