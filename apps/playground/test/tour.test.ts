import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../src/steps';
import { APP_DIR, MAIN_SCRIPT, runPlayground } from './playgroundProcess';

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
  'weather is reached in-memory', // the in-process backend: no port, no child
  'files is reached over stdio',
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

  it('exits 1 naming the failed step when a backend is broken, the other one still served', async () => {
    // A copy of the tour, outside the repository, next to a stdio backend that dies at once.
    // Its node_modules is a link to the app's, so that @org/proxy still resolves.
    const dir = mkdtempSync(path.join(tmpdir(), 'playground-broken-'));
    try {
      copyFileSync(MAIN_SCRIPT, path.join(dir, 'main.js'));
      writeFileSync(path.join(dir, 'stdioBackend.js'), 'process.exit(3);\n');
      symlinkSync(path.join(APP_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const run = await runPlayground([], 30_000, path.join(dir, 'main.js'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Provider files failed to list tools');
      expect(run.stderr).toContain('Step 2 (Listing');
      expect(run.stderr).toContain('Missing from tools/list: files_read_file');
      expect(run.stdout).toContain('weather_forecast'); // the in-process backend kept working
      expect(run.stdout).not.toContain('Tour complete');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
