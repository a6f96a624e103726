/** Values a URI template is expanded with, and what matching a URI gives back. */
export type UriTemplateParams = Record<string, string>;

type Operator = '' | '+' | '#' | '.' | '/' | '?' | '&';

interface Variable {
  name: string;
  explode: boolean;
}

interface Expression {
  operator: Operator;
  variables: Variable[];
}

type Part = string | Expression;

const OPERATORS = new Set(['+', '#', '.', '/', '?', '&']);
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

function encode(value: string, keep: (char: string) => boolean): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char) || keep(char)) out += char;
    else out += encodeURIComponent(char);
  }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{', index);
    if (open === -1) {
      parts.push(template.slice(index));
      break;
    }
    if (open > index) parts.push(template.slice(index, open));
    const close = template.indexOf('}', open);
    if (close === -1) throw new Error(`Unclosed expression in URI template: ${template}`);
    const body = template.slice(open + 1, close);
    const operator = (OPERATORS.has(body[0] ?? '') ? body[0] : '') as Operator;
    const names = body.slice(operator.length).split(',');
    const variables = names.map((raw) => {
      const explode = raw.endsWith('*');
      const name = (explode ? raw.slice(0, -1) : raw).replace(/:\d+$/, '');
      if (!/^[A-Za-z0-9_.%-]+$/.test(name)) {
        throw new Error(`Invalid variable name in URI template ${template}: ${raw}`);
      }
      return { name, explode };
    });
    parts.push({ operator, variables });
    index = close + 1;
  }
  return parts;
}

/**
 * A URI template (RFC 6570, the subset MCP servers use): simple `{var}` (one path segment,
 * everything but unreserved characters percent-encoded), `{var*}` and `{+var}` (may span
 * segments, `/` kept), `{#var}`, `{.var}`, `{/var}`, and query expressions `{?a,b}` / `{&a}`.
 * {@link UriTemplate.match} is the inverse of {@link UriTemplate.expand}: captured values are
 * percent-decoded, query parameters may come in any order, extra ones ignored, and a trailing
 * `#fragment` is ignored unless the template has a fragment of its own.
 *
 * @example
 * ```ts
 * const t = new UriTemplate('weather://{city}/forecast{?days}');
 * t.expand({ city: 'São Paulo', days: '3' }); // 'weather://S%C3%A3o%20Paulo/forecast?days=3'
 * t.match('weather://Paris/forecast?days=2'); // { city: 'Paris', days: '2' }
 * ```
 */
export class UriTemplate {
  /** The template text. */
  readonly template: string;
  readonly #parts: Part[];
  readonly #regex: RegExp;
  readonly #pathExpressions: Expression[];
  readonly #queryVariables: Variable[];

  /** @param template - the template text; throws on a malformed one */
  constructor(template: string) {
    this.template = template;
    this.#parts = parse(template);
    this.#pathExpressions = [];
    this.#queryVariables = [];
    let pattern = '^';
    for (const part of this.#parts) {
      if (typeof part === 'string') {
        pattern += escapeRegex(part);
      } else if (part.operator === '?' || part.operator === '&') {
        this.#queryVariables.push(...part.variables);
      } else {
        pattern += this.#patternFor(part);
        this.#pathExpressions.push(part);
      }
    }
    if (this.#queryVariables.length > 0) pattern += '(?:\\?([^#]*))?';
    // A fragment names a part of a resource, not another resource: a trailing `#...` is
    // ignored, unless the template itself has one (a literal `#` or a `{#var}`).
    pattern += template.includes('#') ? '$' : '(?:#[^]*)?$';
    this.#regex = new RegExp(pattern);
  }

  /** Whether the text contains at least one expression. */
  static isTemplate(text: string): boolean {
    return /\{[^}]+\}/.test(text);
  }

  /** The names of every variable, in order. */
  get variableNames(): string[] {
    return this.#parts.flatMap((part) =>
      typeof part === 'string' ? [] : part.variables.map((v) => v.name),
    );
  }

  #patternFor(expression: Expression): string {
    const spans =
      expression.operator === '+' ||
      expression.operator === '#' ||
      expression.variables.some((v) => v.explode);
    const value = spans ? '([^?#]+)' : '([^/?#]+)';
    switch (expression.operator) {
      case '#':
        return '(?:#([^]*))?';
      case '.':
        return `(?:\\.${value})?`;
      case '/':
        return spans ? '((?:/[^?#]+)?)' : '(?:/([^/?#]+))?';
      default:
        return value;
    }
  }

  /** Expands the template with `params`; missing variables expand to nothing. */
  expand(params: Record<string, string | undefined>): string {
    let out = '';
    for (const part of this.#parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      out += this.#expandExpression(part, params);
    }
    return out;
  }

  #expandExpression(expression: Expression, params: Record<string, string | undefined>): string {
    const { operator } = expression;
    const defined = expression.variables.filter((v) => params[v.name] !== undefined);
    if (defined.length === 0) return '';
    if (operator === '?' || operator === '&') {
      const pairs = defined.map(
        (v) => `${encode(v.name, () => false)}=${encode(params[v.name]!, (c) => c === '/')}`,
      );
      return `${operator}${pairs.join('&')}`;
    }
    const values = defined.map((v) => {
      const keepReserved = operator === '+' || operator === '#';
      const keepSlash = keepReserved || v.explode;
      return encode(params[v.name]!, (c) =>
        keepReserved ? RESERVED.test(c) : keepSlash && c === '/',
      );
    });
    const prefix = operator === '+' || operator === '' ? '' : operator;
    return `${prefix}${values.join(',')}`;
  }

  /**
   * Matches a URI against the template. Returns the decoded parameters, or `undefined` when
   * the URI does not match. A trailing `#fragment` is ignored (unless the template has one).
   */
  match(uri: string): UriTemplateParams | undefined {
    const found = this.#regex.exec(uri);
    if (!found) return undefined;
    const params: UriTemplateParams = {};
    let group = 1;
    for (const { operator, variables } of this.#pathExpressions) {
      const raw = found[group++];
      if (raw === undefined || raw === '') continue;
      // Only `{/var*}` captures its leading slash; any other `/` is part of the value.
      const text = operator === '/' && raw.startsWith('/') ? raw.slice(1) : raw;
      const pieces = variables.length === 1 ? [text] : text.split(',');
      for (const [index, variable] of variables.entries()) {
        const piece = pieces[index];
        if (piece === undefined) continue;
        const decoded = safeDecode(piece);
        if (decoded === undefined) return undefined;
        params[variable.name] = decoded;
      }
    }
    if (this.#queryVariables.length > 0) {
      const query = found[group];
      if (query && !this.#readQuery(query, params)) return undefined;
    }
    return params;
  }

  #readQuery(query: string, params: UriTemplateParams): boolean {
    const wanted = new Set(this.#queryVariables.map((v) => v.name));
    for (const pair of query.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
      const value = safeDecode((eq === -1 ? '' : pair.slice(eq + 1)).replace(/\+/g, '%20'));
      if (key === undefined || value === undefined) return false;
      if (!wanted.has(key) || key in params) continue;
      params[key] = value;
    }
    return true;
  }

  /** The template text. */
  toString(): string {
    return this.template;
  }
}
