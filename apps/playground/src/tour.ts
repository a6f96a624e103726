import { connectScriptedClient, type ScriptedClient } from './client/scriptedClient';
import { startDemoProxy } from './demoProxy';
import { TOUR_STEPS, type Tour } from './steps';
import { bold, heading, line, note, ok } from './ui/print';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The tour: starts the backends and the proxy, connects the scripted client and runs every
 * step. Everything it started is closed whether it succeeds or not.
 * @throws Error naming the step that failed
 */
export async function runTour(): Promise<void> {
  const started = Date.now();
  line(bold('MCP proxy playground: a guided tour'));
  note('Two demo backends behind one proxy, and a scripted client walking through every feature.');
  note('→ what the client sends through the proxy, ← what comes back, ✔ what the tour checked.');
  const demo = await startDemoProxy();
  let scripted: ScriptedClient | undefined;
  try {
    note(`proxy: ${demo.http.url} (streamable HTTP): createProxy for each backend, one front`);
    scripted = await connectScriptedClient(demo.http.url);
    const tour: Tour = { ...scripted, demo };
    for (const [index, step] of TOUR_STEPS.entries()) {
      heading(index + 1, TOUR_STEPS.length, step.title);
      try {
        await step.run(tour);
      } catch (error) {
        throw new Error(`Step ${index + 1} (${step.title}) failed: ${describe(error)}`, {
          cause: error,
        });
      }
    }
  } finally {
    await scripted?.close().catch(() => undefined);
    await demo.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  line();
  ok(bold(`Tour complete: ${TOUR_STEPS.length} steps passed in ${seconds} s.`));
  note('Read on: apps/playground/README.md, then its src/steps/ (the client) and src/backends/.');
  note('Keep the proxy up for the MCP Inspector or your own client: pnpm play -- --serve');
}
