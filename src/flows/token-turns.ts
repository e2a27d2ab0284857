// One flow token's endpoint requests run one after another: each sees what the one before stored, and a
// token the endpoint completed is refused before its handler could run a second time. A turn also waits for
// what its request hands to `hold` (a handler still running past its budget), for at most HOLD_CAP_MS, so the
// next request of the token never runs beside it.

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

export class TokenTurns {
  /** Per flow token, the turn now running (the next request of that token waits for it). */
  private readonly turns = new Map<string, Promise<unknown>>();

  /** Runs `run` once the token's previous requests, and what they held, are done. */
  run<T>(token: string, run: (hold: (work: Promise<unknown>) => void) => Promise<T>): Promise<T> {
    const holds: Promise<unknown>[] = [];
    const hold = (work: Promise<unknown>): void => {
      holds.push(capped(work, HOLD_CAP_MS));
    };
    const before = this.turns.get(token);
    const start = (): Promise<T> => run(hold);
    const mine = before === undefined ? start() : before.then(start);
    const settled = mine
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
    return mine;
  }
}
