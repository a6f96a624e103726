import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../src/steps';
import { MAIN_SCRIPT, runPlayground } from './playgroundProcess';

/** The features issue 7 lists: each must have a step, and the step must run. */
const FEATURES = [
  'Listing',
  'structured result',
  'binary result',
  'stdio',
  'Resources',
  'Resource templates',
  'Prompts',
  'Sampling',
  'Elicitation',
  'Roots',
  'Logging',
  'Progress',
  'Cancellation',
  'backend error',
  'list_changed',
];

/** What crossed the proxy, as the tour prints it. */
const CROSSINGS = [
  'structuredContent {"city":"Lisbon"',
  'image image/png',
  'sampling/createMessage',
  'elicitation/create (form mode)',
  'roots/list',
  'notifications/message [warning] weather',
  '100% 10/10',
  'notifications/cancelled',
  '(isError: true)',
  'notifications/tools/list_changed',
];

describe('the playground tour', () => {
  it('runs every step to the end, exits 0 and leaves no child behind', async () => {
    const run = await runPlayground([], 60_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    TOUR_STEPS.forEach((step, index) => {
      expect(run.stdout).toContain(`[${index + 1}/${TOUR_STEPS.length}] ${step.title}`);
    });
    for (const feature of FEATURES) {
      expect(
        TOUR_STEPS.some((step) => step.title.includes(feature)),
        feature,
      ).toBe(true);
    }
    for (const crossing of CROSSINGS) expect(run.stdout).toContain(crossing);
    expect(run.stdout).toContain(`Tour complete: ${TOUR_STEPS.length} steps passed`);
    // The stdio backend the proxy started is gone with it.
    const pid = Number(/the files backend is process (\d+)/.exec(run.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !isPidAlive(pid), { what: `stdio backend ${pid} to be gone` });
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const run = await runPlayground(['--no-such-option'], 20_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--no-such-option'");
    expect(run.stderr).toContain('Usage: pnpm play');
  });

  it('exits 1 naming the failed step when a backend is broken', async () => {
    // A copy of the tour next to a stdio backend that dies at once (inside the app directory,
    // so that @org/proxy still resolves from its node_modules).
    const dir = mkdtempSync(path.join(path.dirname(path.dirname(MAIN_SCRIPT)), '.broken-'));
    try {
      copyFileSync(MAIN_SCRIPT, path.join(dir, 'main.js'));
      writeFileSync(path.join(dir, 'stdioBackend.js'), 'process.exit(3);\n');
      const run = await runPlayground([], 30_000, path.join(dir, 'main.js'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Skipping MCP server files');
      expect(run.stderr).toContain('Step 2 (Listing');
      expect(run.stderr).toContain('Missing from tools/list: files_read_file');
      expect(run.stdout).not.toContain('Tour complete');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
