// Watches Flowgate's SQLite databases from outside (read-only, WAL lets it read while Flowgate writes):
// how many bodies wait in the inbox (its own file, attached) and how many events the dispatcher has claimed.
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqliteInboxPath } from '../../src/store/index.js';

export interface DbSample {
  /** performance.now() of the sample, ms. */
  at: number;
  /** Rows in `events`: one per claimed (non-duplicate) event. */
  events: number;
  /** Inbox bodies not yet dispatched. */
  pending: number;
  /** Inbox bodies in total. */
  inbox: number;
}

export interface DrainResult {
  /** Pending bodies when the drain was first observed. */
  backlog: number;
  eventsClaimed: number;
  seconds: number;
  /** Null when the backlog was too small to time (under two polls). */
  eventsPerSecond: number | null;
  timedOut: boolean;
}

export class DbProbe {
  private readonly db: Database.Database;
  private readonly countEvents: Database.Statement<[], { n: number }>;
  private readonly countPending: Database.Statement<[], { n: number }>;
  private readonly countInbox: Database.Statement<[], { n: number }>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.prepare('attach database ? as inbox_file').run(sqliteInboxPath(path));
    this.countEvents = this.db.prepare('select count(*) as n from events');
    // Dispatched bodies are a prefix of the inbox: the pending ones follow the last one recorded.
    this.countPending = this.db.prepare(
      'select count(*) as n from inbox_file.inbox where id > (select coalesce(max(inbox_id), 0) from inbox_state)',
    );
    this.countInbox = this.db.prepare('select count(*) as n from inbox_file.inbox');
  }

  sample(): DbSample {
    const at = performance.now();
    // One read transaction, so the three counts describe the same moment (each file's snapshot is taken at
    // its first read in it, microseconds apart).
    return this.db.transaction(() => ({
      at,
      events: this.countEvents.get()?.n ?? 0,
      pending: this.countPending.get()?.n ?? 0,
      inbox: this.countInbox.get()?.n ?? 0,
    }))();
  }

  /** Samples every `intervalMs` until `stop()` is called; returns the samples. */
  watch(intervalMs: number): { stop(): DbSample[] } {
    const samples: DbSample[] = [this.sample()];
    const timer = setInterval(() => samples.push(this.sample()), intervalMs);
    return {
      stop: () => {
        clearInterval(timer);
        samples.push(this.sample());
        return samples;
      },
    };
  }

  /**
   * Polls every `intervalMs` until nothing is pending; events/s = events claimed between the first and the
   * last poll divided by the time between them.
   */
  async drain(options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<DrainResult> {
    const intervalMs = options.intervalMs ?? 100;
    const deadline = performance.now() + (options.timeoutMs ?? 60_000);
    const first = this.sample();
    let last = first;
    while (last.pending > 0 && last.at < deadline) {
      await sleep(intervalMs);
      last = this.sample();
    }
    const seconds = (last.at - first.at) / 1000;
    const eventsClaimed = last.events - first.events;
    return {
      backlog: first.pending,
      eventsClaimed,
      seconds,
      eventsPerSecond: seconds >= (2 * intervalMs) / 1000 ? eventsClaimed / seconds : null,
      timedOut: last.pending > 0,
    };
  }

  close(): void {
    this.db.close();
  }
}
