import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const appDir = path.resolve(import.meta.dirname, '..');

describe('the playground tour', () => {
  it('runs to the end and exits 0', async () => {
    const { stdout } = await run(process.execPath, [path.join(appDir, 'dist', 'main.js')], {
      cwd: appDir,
      timeout: 90_000,
    });
    expect(stdout).toContain('@org/proxy');
  });
});
