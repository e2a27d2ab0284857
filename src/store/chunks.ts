// Multi-row statements are cut into chunks: every engine caps the number of bound parameters per
// statement (SQLite's default is 32,766; PostgreSQL's 65,535).

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
