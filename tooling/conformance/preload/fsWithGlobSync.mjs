// `node:fs` plus `globSync(pattern, { cwd })` for Node 20. The conformance CLI calls it only in
// `tier-check` (with `**/checks.json`), never in the `server` command this package runs, but it
// is a real matcher all the same: `**` (any number of directories), `*` and `?` (within one
// path segment); it returns the matching paths relative to `cwd`, as Node 22's does.
import fs from 'node:fs';
import path from 'node:path';

export * from 'node:fs';
export default fs;

function segmentToRegExp(segment) {
  let out = '';
  for (const char of segment) {
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

function patternToRegExp(pattern) {
  const segments = pattern.split('/').filter((segment) => segment !== '' && segment !== '.');
  let out = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') out += last ? '.*' : '(?:[^/]+/)*';
    else out += segmentToRegExp(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${out}$`);
}

function walk(root, relative, out) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    out.push(child);
    if (entry.isDirectory()) walk(root, child, out);
  }
}

export function globSync(patterns, options = {}) {
  const cwd = options.cwd ? String(options.cwd) : process.cwd();
  const matchers = (Array.isArray(patterns) ? patterns : [patterns]).map(patternToRegExp);
  const all = [];
  walk(cwd, '', all);
  return all
    .filter((file) => matchers.some((matcher) => matcher.test(file)))
    .map((file) => file.split('/').join(path.sep));
}
