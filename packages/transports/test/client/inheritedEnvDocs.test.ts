import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSIX_INHERITED_ENV, WINDOWS_INHERITED_ENV } from '../../src/client/childEnvironment';
import { DEFAULT_INHERITED_ENV } from '../../src/client/index';

const packageDir = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.resolve(packageDir, file), 'utf8');

/** The text of the TSDoc comment right before `declaration` in `source`. */
function tsdocBefore(source: string, declaration: string): string {
  const end = source.indexOf(declaration);
  expect(end, declaration).toBeGreaterThan(-1);
  const start = source.lastIndexOf('/**', end);
  const comment = source.slice(start, end);
  expect(comment.trimEnd().endsWith('*/'), `a TSDoc comment before ${declaration}`).toBe(true);
  return comment;
}

/** The Markdown list item starting with `lead` in `markdown`. */
function listItem(markdown: string, lead: string): string {
  const start = markdown.indexOf(lead);
  expect(start, lead).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n- ', start + lead.length);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The variable names a passage quotes as code (`HOME`), sorted. */
function quotedNames(text: string): string[] {
  const names = [...text.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!);
  return [...new Set(names)].filter((name) => name !== 'DEFAULT_INHERITED_ENV').sort();
}

const sorted = (names: readonly string[]) => [...new Set(names)].sort();

// The inherited variables are listed in several places for their readers; the code is the one
// source of truth and these tests keep every list equal to it.
describe('the documented list of inherited variables', () => {
  it('is the platform list in DEFAULT_INHERITED_ENV', () => {
    const expected = process.platform === 'win32' ? WINDOWS_INHERITED_ENV : POSIX_INHERITED_ENV;
    expect(DEFAULT_INHERITED_ENV).toEqual(expected);
  });

  it('is complete in the TSDoc of DEFAULT_INHERITED_ENV (both platforms)', () => {
    const doc = tsdocBefore(
      read('src/client/childEnvironment.ts'),
      'export const DEFAULT_INHERITED_ENV',
    );
    expect(quotedNames(doc)).toEqual(sorted([...POSIX_INHERITED_ENV, ...WINDOWS_INHERITED_ENV]));
  });

  it('is complete in the TSDoc of StdioTarget.env', () => {
    const source = read('src/client/targets.ts');
    const stdioTarget = source.slice(source.indexOf('export interface StdioTarget'));
    const doc = tsdocBefore(stdioTarget, 'env?: Record<string, string>;');
    expect(doc).toContain('{@link DEFAULT_INHERITED_ENV}');
    expect(quotedNames(doc)).toEqual(sorted(POSIX_INHERITED_ENV));
  });

  it('is complete in docs/transports.md and docs/security.md', () => {
    const transports = listItem(read('../../docs/transports.md'), '- **Environment**');
    expect(quotedNames(transports)).toEqual(sorted(POSIX_INHERITED_ENV));
    const security = listItem(read('../../docs/security.md'), '- **Minimal environment.**');
    expect(quotedNames(security)).toEqual(sorted(POSIX_INHERITED_ENV));
  });
});
