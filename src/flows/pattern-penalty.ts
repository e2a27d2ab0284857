// Flow tokens whose value ran a TextInput pattern match out (and cost a pattern worker): for a while their
// pattern values are refused without matching, so one sender cannot keep everyone's checks failing.

/** How long a token stays penalised. */
const PENALTY_MS = 60_000;
/** The most tokens kept at once; the oldest go first. */
const MAX_TOKENS = 10_000;

export class PatternPenalty {
  /** Per penalised token, until when. */
  private readonly until = new Map<string, number>();

  /** Whether `token`'s pattern values may be matched at `now`. */
  allows(token: string, now: number): boolean {
    return (this.until.get(token) ?? 0) <= now;
  }

  impose(token: string, now: number): void {
    this.until.delete(token);
    this.until.set(token, now + PENALTY_MS);
    // A Map iterates in insertion order: the oldest entries come first.
    for (const [oldest] of this.until) {
      if (this.until.size <= MAX_TOKENS) break;
      this.until.delete(oldest);
    }
  }
}
