import { isPidAlive, waitFor } from '@org/test-utils';
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../src/steps';
import { runPlayground } from './playgroundProcess';

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
  it('runs every step to the end and exits 0', async () => {
    const run = await runPlayground([], 60_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    TOUR_STEPS.forEach((step, index) => {
      expect(run.stdout).toContain(`[${index + 1}/${TOUR_STEPS.length}] ${step.title}`);
    });
    for (const feature of FEATURES) {
      expect(TOUR_STEPS.some((step) => step.title.includes(feature)), feature).toBe(true);
    }
    for (const crossing of CROSSINGS) expect(run.stdout).toContain(crossing);
    expect(run.stdout).toContain(`Tour complete: ${TOUR_STEPS.length} steps passed`);
  });

  it('leaves no stdio backend behind', async () => {
    const run = await runPlayground([], 60_000);
    expect(run.code).toBe(0);
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
});
