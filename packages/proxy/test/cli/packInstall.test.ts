import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/packCheck.mjs', import.meta.url));
const LIMIT_MS = 170_000;

/** Runs the packaging check, bounded: killed (and failing) after LIMIT_MS. */
function runPackCheck(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`packCheck.mjs took longer than ${LIMIT_MS} ms:\n${output}`));
    }, LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('packaging', () => {
  it('installs @org/proxy alone from its tarball and runs a proxy and the bin', async () => {
    const { code, output } = await runPackCheck();
    expect(output).toContain("imported only '@org/proxy': proxied at http://127.0.0.1:");
    expect(output).toContain('greet -> Hello, npm!');
    expect(output).toContain('npx org-mcp-proxy --help: org-mcp-proxy <url | config.json>');
    expect(output).toContain('OK: installing @org/proxy alone is enough');
    expect(code, output).toBe(0);
  }, 180_000);
});
