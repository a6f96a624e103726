import fs from 'node:fs';
import path from 'node:path';

/**
 * The names a built package declares in `dist/index.d.ts`, sorted, with type-only names
 * marked `type X`. This pins the public surface, types included, in a test.
 */
export function declaredExports(packageDir: string, entry = 'index'): string[] {
  const file = path.join(packageDir, 'dist', `${entry}.d.ts`);
  const text = fs.readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const block of text.matchAll(/export\s*\{([^}]*)\}\s*;?/g)) {
    for (const raw of (block[1] ?? '').split(',')) {
      const item = raw.trim();
      if (!item) continue;
      const isType = item.startsWith('type ');
      const spec = isType ? item.slice(5).trim() : item;
      const exported = spec.includes(' as ') ? spec.split(' as ')[1]!.trim() : spec;
      names.add(isType ? `type ${exported}` : exported);
    }
  }
  for (const m of text.matchAll(
    /^export\s+(?:declare\s+)?(?:const|function|class|enum|abstract class)\s+([A-Za-z0-9_$]+)/gm,
  )) {
    names.add(m[1]!);
  }
  for (const m of text.matchAll(
    /^export\s+(?:declare\s+)?(?:type|interface)\s+([A-Za-z0-9_$]+)/gm,
  )) {
    names.add(`type ${m[1]!}`);
  }
  return [...names].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
}
