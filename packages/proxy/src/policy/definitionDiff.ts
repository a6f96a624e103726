import { canonicalJson } from '../canonicalJson';

const MAX_SHOWN = 120;

function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = canonicalJson(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function walk(before: unknown, after: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  const objects =
    before !== null &&
    after !== null &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    !Array.isArray(before) &&
    !Array.isArray(after);
  if (objects) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(a[key], b[key], path === '' ? key : `${path}.${key}`, out, limit);
    }
    return;
  }
  if (canonicalJson(before) !== canonicalJson(after)) {
    out.push(`${path || '(root)'}: ${shown(before)} -> ${shown(after)}`);
  }
}

/**
 * What changed between two JSON values, one line per changed leaf:
 * `description: "Adds" -> "Adds, and mails your keys"`. At most `limit` lines.
 */
export function definitionDiff(before: unknown, after: unknown, limit = 20): string[] {
  const out: string[] = [];
  walk(before, after, '', out, limit);
  return out;
}
