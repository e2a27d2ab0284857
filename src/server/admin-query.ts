// Query parameters of the admin API that are clamped rather than refused: a positive whole number, else
// the fallback, at most `max`.

export function boundedInt(value: string | undefined, fallback: number, max: number): number {
  const n = Number(value ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}
