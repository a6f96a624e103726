import fs from 'node:fs';
import path from 'node:path';

/** The layers, lowest first: a package may import only packages listed before it. */
export const LAYERS = ['@org/transports', '@org/core', '@org/proxy-client', '@org/proxy'] as const;

/** Which workspace packages each workspace package may import. */
export const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  '@org/transports': [],
  '@org/core': ['@org/transports'],
  '@org/proxy-client': ['@org/core', '@org/transports'],
  '@org/proxy': ['@org/proxy-client', '@org/core', '@org/transports'],
  '@org/playground': ['@org/proxy'],
  '@org/bench': ['@org/proxy'],
};

/** Packages that any test file may import on top of the package's own allowance. */
export const TEST_ONLY_IMPORTS = ['@org/test-utils'];

/** One import that breaks the allowed direction. */
export interface ImportViolation {
  /** The importing package. */
  from: string;
  /** The imported workspace package. */
  to: string;
  /** Where the import is: a file path, or `package.json`. */
  where: string;
}

const IMPORT_RE =
  /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"](@org\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

/** The `@org/*` packages a source text imports. */
export function importsOf(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(IMPORT_RE)) {
    if (match[1]) found.add(match[1]);
  }
  return [...found];
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.(c|m)?[jt]sx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Checks one package directory against {@link ALLOWED_IMPORTS}. */
export function checkPackage(dir: string): ImportViolation[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const name: string = manifest.name;
  const allowed = ALLOWED_IMPORTS[name];
  if (!allowed) return [];
  const violations: ImportViolation[] = [];
  const declared = {
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.devDependencies,
  };
  for (const dep of Object.keys(declared)) {
    if (
      dep.startsWith('@org/') &&
      dep !== name &&
      !allowed.includes(dep) &&
      !TEST_ONLY_IMPORTS.includes(dep)
    ) {
      violations.push({ from: name, to: dep, where: 'package.json' });
    }
  }
  for (const sub of ['src', 'test', 'scripts']) {
    for (const file of walk(path.join(dir, sub))) {
      const extra = sub === 'src' ? [] : TEST_ONLY_IMPORTS;
      for (const dep of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (dep !== name && !allowed.includes(dep) && !extra.includes(dep)) {
          violations.push({ from: name, to: dep, where: path.relative(dir, file) });
        }
      }
    }
  }
  return violations;
}

/** Directories of every workspace package under `packages/` and `apps/`. */
export function workspacePackageDirs(root: string): string[] {
  const dirs: string[] = [];
  for (const group of ['packages', 'apps']) {
    const base = path.join(root, group);
    if (!fs.existsSync(base)) continue;
    for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory() && fs.existsSync(path.join(base, entry.name, 'package.json'))) {
        dirs.push(path.join(base, entry.name));
      }
    }
  }
  return dirs;
}
