import type { mcp } from '@org/proxy';
import { note, ok, sent } from '../ui/print';
import { ProgressBar } from '../ui/progressBar';
import { REQUEST_TIMEOUT_MS, showResult, textOf } from './calls';
import { check, type Step } from './step';

/** A long-running tool reports progress; the client draws it. */
export const progressStep: Step = {
  title: 'Progress: a long-running tool (~2 s, 10 steps)',
  async run({ client }) {
    note('the client sends a progressToken; notifications/progress come back through the proxy');
    const bar = new ProgressBar();
    const updates: mcp.Progress[] = [];
    const started = Date.now();
    sent('tools/call weather_build_report {} (with a progressToken)');
    let result: mcp.CallToolResult;
    try {
      result = (await client.callTool({ name: 'weather_build_report', arguments: {} }, undefined, {
        timeout: REQUEST_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        onprogress: (progress) => {
          updates.push(progress);
          bar.update(progress.progress, progress.total, progress.message);
        },
      })) as mcp.CallToolResult;
    } finally {
      bar.done();
    }
    showResult(result);
    const last = updates.at(-1);
    check(updates.length === 10, `Expected 10 progress updates, got: ${updates.length}`);
    check(last?.progress === 10 && last.total === 10, 'Progress did not reach 10/10');
    check(textOf(result).startsWith('Report ready'), `Unexpected report: ${textOf(result)}`);
    ok(`10 progress notifications in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
};
