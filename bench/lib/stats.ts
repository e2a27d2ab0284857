// Latency samples at full resolution (autocannon's histogram rounds to whole milliseconds) and the
// response-status tally every load run reports.

export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank percentiles, e.g. `percentiles([50, 99])`. */
  percentiles(ps: readonly number[]): number[] {
    if (this.size === 0) return ps.map(() => Number.NaN);
    const sorted = this.samples.slice(0, this.size).sort();
    return ps.map(
      (p) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1))] ?? Number.NaN,
    );
  }

  max(): number {
    let max = 0;
    for (let i = 0; i < this.size; i++) max = Math.max(max, this.samples[i] ?? 0);
    return max;
  }
}

export class StatusTally {
  readonly counts = new Map<string, number>();
  /** The first few bodies of responses that were not 200, to show what went wrong. */
  readonly examples: string[] = [];

  add(status: number | string, body?: string): void {
    const key = String(status);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (key !== '200' && body !== undefined && this.examples.length < 5)
      this.examples.push(`${key}: ${body.slice(0, 200)}`);
  }

  get ok(): number {
    return this.counts.get('200') ?? 0;
  }

  /** Everything that was not a 200: other statuses, connection errors, timeouts. */
  get errors(): number {
    let n = 0;
    for (const [status, count] of this.counts) if (status !== '200') n += count;
    return n;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
