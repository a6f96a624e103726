import { defineTool, type Tool, z } from '@org/proxy';
import type { CancellationLog } from './cancellationLog';
import { contextOf } from './context';
import { CITIES } from './weatherData';

const STEPS = 10;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('Cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `build_report`: about two seconds of work in ten steps, reporting progress after each. */
export const buildReportTool: Tool = defineTool({
  name: 'build_report',
  title: 'Build a report',
  description: `Collects readings from ${STEPS} stations (~2 s), reporting progress`,
  input: z.object({ stepMs: z.number().int().min(0).max(1000).default(200) }),
  handler: async ({ stepMs }, context) => {
    const ctx = contextOf(context, 'build_report');
    for (let step = 1; step <= STEPS; step += 1) {
      await pause(stepMs, ctx.signal);
      const city = CITIES[(step - 1) % CITIES.length];
      await ctx.reportProgress(step, STEPS, `station ${step} (${city})`);
    }
    return `Report ready: ${STEPS} stations read`;
  },
});

/** `wait_for_cancel`: waits until the client cancels it (or `seconds` pass). */
export function waitForCancelTool(log: CancellationLog): Tool {
  return defineTool({
    name: 'wait_for_cancel',
    title: 'Wait for cancel',
    description: 'Waits until the client cancels the call (or `seconds` pass)',
    input: z.object({ seconds: z.number().min(0).max(120).default(20) }),
    handler: async ({ seconds }, context) => {
      const ctx = contextOf(context, 'wait_for_cancel');
      const outcome = log.wait(ctx.signal, seconds * 1000);
      await ctx.reportProgress(0, undefined, 'started, waiting to be cancelled');
      await ctx.log('info', 'wait_for_cancel started', 'weather');
      return (await outcome) === 'cancelled' ? 'Cancelled' : `Not cancelled within ${seconds} s`;
    },
  });
}

/** `was_cancelled`: tells how the latest `wait_for_cancel` ended. */
export function wasCancelledTool(log: CancellationLog): Tool {
  return defineTool({
    name: 'was_cancelled',
    title: 'Was cancelled?',
    description: 'Tells whether the latest wait_for_cancel call saw its cancellation',
    output: z.object({ outcome: z.enum(['cancelled', 'finished', 'none', 'still waiting']) }),
    annotations: { readOnlyHint: true },
    handler: async () => ({ outcome: await log.latest(5000) }),
  });
}
