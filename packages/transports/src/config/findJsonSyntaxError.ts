/** Where a JSON text stops being valid JSON, and why. */
export interface JsonSyntaxError {
  /** 1-based line of the offending character. */
  line: number;
  /** 1-based column (in UTF-16 code units) of the offending character. */
  column: number;
  /** What is wrong, without quoting the text (which may hold secrets). */
  message: string;
}

type Frame = 'object' | 'array';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';
const HEX4 = /^[0-9a-fA-F]{4}$/;

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** A strict JSON (RFC 8259) syntax checker that reports the first error by offset. */
class Scanner {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  document(): void {
    this.#value();
    this.#whitespace();
    if (this.#pos < this.#text.length) this.#fail('unexpected content after the JSON value');
  }

  /** Scans one value, containers included, without recursion (any nesting depth). */
  #value(): void {
    const stack: Frame[] = [];
    for (;;) {
      this.#whitespace();
      const c = this.#text[this.#pos];
      if (c === '{' || c === '[') {
        this.#pos++;
        this.#whitespace();
        if (this.#text[this.#pos] === (c === '{' ? '}' : ']')) this.#pos++;
        else {
          stack.push(c === '{' ? 'object' : 'array');
          if (c === '{') this.#key();
          continue;
        }
      } else this.#scalar();
      if (!this.#afterValue(stack)) return;
    }
  }

  /** Consumes closing brackets and one comma; false when the outermost value is complete. */
  #afterValue(stack: Frame[]): boolean {
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) return false;
      this.#whitespace();
      const c = this.#text[this.#pos];
      if (c === ',') {
        this.#pos++;
        if (top === 'object') this.#key();
        return true;
      }
      if (c !== (top === 'object' ? '}' : ']')) {
        this.#fail(top === 'object' ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      this.#pos++;
      stack.pop();
    }
  }

  #key(): void {
    this.#whitespace();
    if (this.#text[this.#pos] !== '"') this.#fail('expected a double-quoted property name');
    this.#string();
    this.#whitespace();
    if (this.#text[this.#pos] !== ':') this.#fail("expected ':' after a property name");
    this.#pos++;
  }

  #scalar(): void {
    const c = this.#text[this.#pos];
    if (c === '"') {
      this.#string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (this.#text.startsWith(literal, this.#pos)) {
        this.#pos += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = this.#pos;
    if (c !== undefined && NUMBER.test(this.#text)) {
      this.#pos = NUMBER.lastIndex;
      return;
    }
    this.#fail('expected a value');
  }

  #string(): void {
    const start = this.#pos;
    this.#pos++;
    while (this.#pos < this.#text.length) {
      const c = this.#text[this.#pos]!;
      if (c === '"') {
        this.#pos++;
        return;
      }
      if (c === '\\') this.#escape();
      else if (c.charCodeAt(0) < 0x20) this.#fail('control character in a string');
      else this.#pos++;
    }
    throw new ScanFailure(start, 'unterminated string');
  }

  #escape(): void {
    const next = this.#text[this.#pos + 1];
    if (next === 'u' && HEX4.test(this.#text.slice(this.#pos + 2, this.#pos + 6))) this.#pos += 6;
    else if (next !== undefined && next !== 'u' && ESCAPES.includes(next)) this.#pos += 2;
    else this.#fail('invalid escape sequence in a string');
  }

  #whitespace(): void {
    for (;;) {
      const c = this.#text[this.#pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.#pos++;
    }
  }

  #fail(message: string): never {
    const end = this.#pos >= this.#text.length;
    throw new ScanFailure(this.#pos, end ? 'unexpected end of input' : message);
  }
}

/** The 1-based line and column of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first syntax error of a JSON text, or `undefined` when it is valid. Used after
 * `JSON.parse` failed, because V8's messages quote the text (which may hold secrets) and do not
 * always give a position.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof ScanFailure)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}
