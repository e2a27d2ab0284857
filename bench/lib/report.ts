// Output of a benchmark: a table for people, and the same figures as JSON in bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface Row {
  metric: string;
  value: string;
  target?: string;
  /** Omitted for figures without a target. */
  pass?: boolean;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.metric,
    r.value,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['metric', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => (i === 1 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

/** Writes the figures with when and where they were measured; returns the file path. */
export function writeResults(name: string, figures: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const cpu = cpus();
  const document = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
    },
    ...(figures as Record<string, unknown>),
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}

export const fmt = {
  int: (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n: number): string => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a'),
  ratio: (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a'),
  /** A share as a percentage; 'n/a' when it was not measured. */
  share: (v: number | null | undefined): string =>
    v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)} %`,
  /** "p99 / max" of a latency or delay figure; 'n/a' when it was not measured. */
  p99Max: (v: { p99: number; max: number } | null | undefined): string =>
    v === null || v === undefined ? 'n/a' : `${fmt.ms(v.p99)} / ${fmt.ms(v.max)}`,
};
