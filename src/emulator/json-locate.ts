// A small JSON parser that remembers where every value (and object key) sits in the source text,
// so Flow JSON validation errors can carry Meta's line_start/line_end/column_start/column_end.
// Lines and columns are 1-based; column_end is the column just past the value.

export type JsonPath = readonly (string | number)[];

export interface Span {
  lineStart: number;
  lineEnd: number;
  columnStart: number;
  columnEnd: number;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

export interface Located {
  value: unknown;
  /** Span of the value at `path`, or of the nearest ancestor that exists. */
  span(path: JsonPath): Span;
  /** Span of the key naming the value at `path` (falls back to the value). */
  keySpan(path: JsonPath): Span;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  #pos = 0;
  readonly values = new Map<string, [number, number]>();
  readonly keys = new Map<string, [number, number]>();
  readonly #lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
  }

  span(start: number, end: number): Span {
    const [lineStart, columnStart] = this.#position(start);
    const [lineEnd, columnEnd] = this.#position(end);
    return { lineStart, lineEnd, columnStart, columnEnd };
  }

  #position(offset: number): [number, number] {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, offset - (this.#lineStarts[lo] ?? 0) + 1];
  }

  #fail(message: string): never {
    const found = this.#pos < this.text.length ? JSON.stringify(this.text[this.#pos]) : 'end of input';
    throw new JsonSyntaxError(`${message}, found ${found}`, this.span(this.#pos, this.#pos + 1));
  }

  #ws(): void {
    while (this.#pos < this.text.length && ' \t\r\n'.includes(this.text[this.#pos] ?? '')) this.#pos += 1;
  }

  parseDocument(): unknown {
    const value = this.#value([]);
    this.#ws();
    if (this.#pos < this.text.length) this.#fail('Unexpected data after the JSON value');
    return value;
  }

  #value(path: JsonPath): unknown {
    this.#ws();
    const start = this.#pos;
    const value = this.#raw(path);
    this.values.set(JSON.stringify(path), [start, this.#pos]);
    return value;
  }

  #raw(path: JsonPath): unknown {
    const ch = this.text[this.#pos];
    if (ch === '{') return this.#object(path);
    if (ch === '[') return this.#array(path);
    if (ch === '"') return this.#string();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.#fail('Expected a JSON value');
    this.#pos += match[0].length;
    return Number(match[0]);
  }

  #string(): string {
    const start = this.#pos;
    this.#pos += 1;
    while (this.#pos < this.text.length) {
      const ch = this.text[this.#pos];
      if (ch === '\\') this.#pos += 2;
      else if (ch === '"') break;
      else this.#pos += 1;
    }
    if (this.#pos >= this.text.length) this.#fail('Unterminated string');
    this.#pos += 1;
    try {
      return JSON.parse(this.text.slice(start, this.#pos)) as string;
    } catch {
      this.#pos = start;
      return this.#fail('Invalid string');
    }
  }

  #object(path: JsonPath): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#pos += 1;
    this.#ws();
    if (this.text[this.#pos] === '}') {
      this.#pos += 1;
      return out;
    }
    for (;;) {
      this.#ws();
      if (this.text[this.#pos] !== '"') this.#fail('Expected a property name');
      const keyStart = this.#pos;
      const key = this.#string();
      this.keys.set(JSON.stringify([...path, key]), [keyStart, this.#pos]);
      this.#ws();
      if (this.text[this.#pos] !== ':') this.#fail("Expected ':' after a property name");
      this.#pos += 1;
      // defineProperty keeps "__proto__" an ordinary own key, as JSON.parse does.
      Object.defineProperty(out, key, {
        value: this.#value([...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.#ws();
      const next = this.text[this.#pos];
      this.#pos += 1;
      if (next === '}') return out;
      if (next !== ',') {
        this.#pos -= 1;
        this.#fail("Expected ',' or '}' in an object");
      }
    }
  }

  #array(path: JsonPath): unknown[] {
    const out: unknown[] = [];
    this.#pos += 1;
    this.#ws();
    if (this.text[this.#pos] === ']') {
      this.#pos += 1;
      return out;
    }
    for (;;) {
      out.push(this.#value([...path, out.length]));
      this.#ws();
      const next = this.text[this.#pos];
      this.#pos += 1;
      if (next === ']') return out;
      if (next !== ',') {
        this.#pos -= 1;
        this.#fail("Expected ',' or ']' in an array");
      }
    }
  }
}

/** Parses `text` (throws JsonSyntaxError with a span) and indexes every value's position. */
export function parseLocated(text: string): Located {
  const parser = new Parser(text);
  const value = parser.parseDocument();
  const find = (map: Map<string, [number, number]>, path: JsonPath): Span => {
    for (let n = path.length; n >= 0; n -= 1) {
      const hit = map.get(JSON.stringify(path.slice(0, n))) ?? parser.values.get(JSON.stringify(path.slice(0, n)));
      if (hit !== undefined) return parser.span(hit[0], hit[1]);
    }
    return parser.span(0, 0);
  };
  return { value, span: (path) => find(parser.values, path), keySpan: (path) => find(parser.keys, path) };
}
