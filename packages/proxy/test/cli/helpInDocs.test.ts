import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '../..');

describe('docs/cli.md', () => {
  it('shows the help the CLI prints (regenerate it when an option changes)', async () => {
    const { stdout } = await run(process.execPath, [
      path.join(packageDir, 'dist', 'cli.js'),
      '--help',
    ]);
    const docs = await readFile(path.join(packageDir, '../../docs/cli.md'), 'utf8');
    expect(docs).toContain(stdout);
  });
});
