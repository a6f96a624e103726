import { defineResource, defineTool, ProviderServer, ToolError, z } from '@org/proxy';

const FILES: Readonly<Record<string, string>> = {
  'welcome.md': '# Welcome\n\nThis file lives in a backend that runs as a stdio child process.\n',
  'todo.txt':
    '- read the playground source\n- run `pnpm play -- --serve`\n- connect the MCP Inspector\n',
};

/**
 * The second demo backend, run as a stdio child of the tour: a tiny read-only file store with
 * two tools, a tool that tells its process id, and a resource.
 */
export function createFilesServer(): ProviderServer {
  const server = new ProviderServer({ name: 'files', version: '1.0.0' });
  server.add(
    defineTool({
      name: 'list_files',
      description: 'Lists the files of the store',
      output: z.object({ files: z.array(z.object({ path: z.string(), bytes: z.number() })) }),
      annotations: { readOnlyHint: true },
      handler: () => ({
        files: Object.entries(FILES).map(([path, text]) => ({ path, bytes: text.length })),
      }),
    }),
    defineTool({
      name: 'read_file',
      description: 'Reads a file of the store',
      input: z.object({ path: z.string() }),
      annotations: { readOnlyHint: true },
      handler: ({ path }) => {
        const text = FILES[path];
        if (text === undefined) throw new ToolError(`No such file: ${path}`);
        return text;
      },
    }),
    defineTool({
      name: 'process_info',
      description: 'Tells which process serves this backend',
      output: z.object({ pid: z.number(), parentPid: z.number() }),
      handler: () => ({ pid: process.pid, parentPid: process.ppid }),
    }),
    defineResource({
      uri: 'docs://welcome.md',
      name: 'welcome',
      mimeType: 'text/markdown',
      read: () => FILES['welcome.md']!,
    }),
  );
  return server;
}
