import { ok } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** Calls tools of the backend the proxy runs as a child process. */
export const stdioBackendStep: Step = {
  title: 'A backend in a child process (stdio), same client session',
  async run(tour) {
    const listing = await callTool(tour, 'files_list_files');
    const files = (listing.structuredContent?.files ?? []) as Array<{ path: string }>;
    check(
      files.some((file) => file.path === 'welcome.md'),
      'files_list_files lists no welcome.md',
    );
    const read = await callTool(tour, 'files_read_file', { path: 'todo.txt' });
    check(textOf(read).includes('MCP Inspector'), 'files_read_file returned an unexpected text');
    const info = await callTool(tour, 'files_process_info');
    const pid = Number(info.structuredContent?.pid);
    const parentPid = Number(info.structuredContent?.parentPid);
    check(pid !== process.pid, 'The files backend runs in the tour process');
    check(parentPid === process.pid, `The files backend is not a child of the tour: ${parentPid}`);
    ok(`the files backend is process ${pid}, a child of this process (${process.pid})`);
  },
};
