// Queries built and compiled once, then run with new values. Kysely otherwise builds an operation tree and
// compiles it to SQL on every call, which costs several times what SQLite takes for a primary-key lookup:
// the flow endpoint runs three such queries per request. The SQL is still Kysely's, for the dialect in use.
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Where an argument goes in a query under construction: a value no caller would ever pass. */
const slot = (i: number): string => `\u0000flowgate-prepared-slot-${i}\u0000`;

export class PreparedQuery<Args extends readonly unknown[], Row> {
  private compiled: { query: CompiledQuery<Row>; sources: readonly ({ arg: number } | { value: unknown })[] } | null =
    null;

  /**
   * `build` receives one placeholder per argument and returns the query with each placeholder where that
   * argument's value belongs (as a plain value: `where('token', '=', token)`). It is called once.
   */
  constructor(
    private readonly arity: Args['length'],
    private readonly build: (...placeholders: string[]) => Compilable<Row>,
  ) {}

  async execute<DB>(db: Kysely<DB>, ...args: Args): Promise<QueryResult<Row>> {
    const { query, sources } = (this.compiled ??= this.compile());
    const parameters = sources.map((s) => ('arg' in s ? args[s.arg] : s.value));
    return db.executeQuery<Row>({ ...query, parameters });
  }

  private compile(): NonNullable<typeof this.compiled> {
    const placeholders = Array.from({ length: this.arity }, (_, i) => slot(i));
    const query = this.build(...placeholders).compile();
    const sources = query.parameters.map((value) => {
      const arg = placeholders.indexOf(value as string);
      return arg === -1 ? { value } : { arg };
    });
    // Each argument must land in exactly one parameter: a placeholder Kysely inlined or dropped would
    // otherwise run the query with the placeholder's text.
    for (let i = 0; i < this.arity; i++) {
      const uses = sources.filter((s) => 'arg' in s && s.arg === i).length;
      if (uses !== 1) throw new Error(`prepared query: argument ${i} is bound ${uses} times, expected once`);
    }
    if (query.sql.includes('flowgate-prepared-slot')) throw new Error('prepared query: a placeholder was inlined');
    return { query, sources };
  }
}
