import type { mcp } from '@org/proxy';
import { note, ok, received, sent } from '../ui/print';
import { callTool, REQUEST_TIMEOUT_MS } from './calls';
import { check, type Step, type Tour } from './step';

/** Starts `weather_wait_for_cancel` and resolves once the backend reports it started. */
function startWaiting(tour: Tour, signal: AbortSignal) {
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    onStarted = resolve;
  });
  sent('tools/call weather_wait_for_cancel {"seconds":20} (with a progressToken)');
  const call = tour.client.callTool(
    { name: 'weather_wait_for_cancel', arguments: { seconds: 20 } },
    undefined,
    {
      signal,
      timeout: REQUEST_TIMEOUT_MS,
      onprogress: (progress) => {
        received(`notifications/progress: ${progress.message ?? progress.progress}`);
        onStarted();
      },
    },
  ) as Promise<mcp.CallToolResult>;
  return { started, call };
}

/** The client cancels a call in flight; the backend sees the cancellation. */
export const cancellationStep: Step = {
  title: 'Cancellation: the client gives up, the backend stops',
  async run(tour) {
    const controller = new AbortController();
    const { started, call } = startWaiting(tour, controller.signal);
    const outcome = call.then(
      () => 'answered' as const,
      (error: unknown) => error,
    );
    const first = await Promise.race([started.then(() => 'started' as const), outcome]);
    check(first === 'started', `weather_wait_for_cancel ended before it started: ${String(first)}`);
    sent('notifications/cancelled (AbortController.abort())');
    controller.abort('the tour cancelled the call');
    const settled = await outcome;
    check(settled !== 'answered', 'The cancelled call was answered anyway');
    received(`the call rejected: ${settled instanceof Error ? settled.message : String(settled)}`);
    note('weather_was_cancelled asks the backend how its last wait ended');
    const report = await callTool(tour, 'weather_was_cancelled');
    const seen = report.structuredContent?.outcome;
    check(seen === 'cancelled', `The backend did not see the cancellation: ${String(seen)}`);
    ok('the proxy turned the client cancellation into a backend cancellation');
  },
};
