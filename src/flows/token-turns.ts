// One flow token's endpoint requests run one after another: each sees what the one before stored, and a
// token the endpoint completed is refused before its handler could run a second time. A turn also waits for
// what its request hands to `hold` (a handler still running past its budget), for at most HOLD_CAP_MS, so the
// next request of the token never runs beside it.
//
// A request waits for its turn only until its deadline (the end of its budget): one behind a slow turn, or
// at the back of a pile of one token's requests, is answered at that deadline by `late` instead of running
// whenever its turn comes, after WhatsApp's client (10 s) has given up on it. It never runs afterwards.

/** The longest a token's next request waits for a handler that ran past its budget to settle. */
export const HOLD_CAP_MS = 10_000;

/** `work` settled, or `ms` passed (the timer does not keep the process alive). */
function capped(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  const done = work.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([done, passed]).finally(() => {
    clearTimeout(timer);
  });
}

export interface Turn<T> {
  /** The request's work, once the token's earlier requests (and what they held) are done. */
  run: (hold: (work: Promise<unknown>) => void) => Promise<T>;
  /** performance.now() past which the request no longer waits for its turn. */
  deadline: number;
  /** The answer for a request whose turn did not come by its deadline (its `run` is never called). */
  late: () => Promise<T>;
}

export class TokenTurns {
  /** Per flow token, the turn now running (the next request of that token waits for it). */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs the turn's `run` once the token's previous requests are done, or answers `late` at its deadline. */
  run<T>(token: string, turn: Turn<T>): Promise<T> {
    const holds: Promise<unknown>[] = [];
    const hold = (work: Promise<unknown>): void => {
      holds.push(capped(work, HOLD_CAP_MS));
    };
    // Runs at once; a run that throws before returning its promise rejects like one that rejects.
    const start = (): Promise<T> =>
      new Promise<T>((settle) => {
        settle(turn.run(hold));
      });
    const before = this.turns.get(token);
    if (before === undefined) {
      const mine = start();
      this.chain(token, mine, holds);
      return mine;
    }
    return new Promise<T>((resolve, reject) => {
      let gaveUp = false;
      const answerLate = (): void => {
        gaveUp = true;
        turn.late().then(resolve, reject);
      };
      const timer = setTimeout(answerLate, Math.max(0, turn.deadline - this.now()));
      // Its place in the chain: the token's next request waits for this run, or only for `before` if none.
      const ran = before.then(() => {
        clearTimeout(timer);
        if (gaveUp) return;
        if (this.now() >= turn.deadline) {
          answerLate();
          return;
        }
        const mine = start();
        mine.then(resolve, reject);
        return mine;
      });
      this.chain(token, ran, holds);
    });
  }

  /** Makes `work` (then what it held) the token's turn that the next request waits for. */
  private chain(token: string, work: Promise<unknown>, holds: Promise<unknown>[]): void {
    const settled = work
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => Promise.all(holds))
      .then(
        () => undefined,
        () => undefined,
      );
    this.turns.set(token, settled);
    void settled.then(() => {
      if (this.turns.get(token) === settled) this.turns.delete(token);
    });
  }
}
