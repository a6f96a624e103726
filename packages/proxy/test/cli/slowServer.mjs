// A stdio MCP server with one slow tool, `wait`: it reports progress 0 as soon as it starts,
// then answers `released` once the file named by its first argument exists (the test creates
// it; the server watches its directory, no polling). Like many real servers it keeps running
// after its stdin closes (a background timer): only a signal ends it.
import { existsSync, watch } from 'node:fs';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const releaseFile = process.argv[2];
if (!releaseFile) throw new Error('usage: slowServer.mjs <release file>');

// The background job: nothing but its timer, which alone keeps the process alive.
setInterval(() => {}, 60_000);

function released() {
  return new Promise((resolve) => {
    const watcher = watch(path.dirname(releaseFile), () => {
      if (!existsSync(releaseFile)) return;
      watcher.close();
      resolve();
    });
    if (existsSync(releaseFile)) {
      watcher.close();
      resolve();
    }
  });
}

const server = new McpServer({ name: 'slow-server', version: '1.0.0' });
server.registerTool(
  'wait',
  { description: 'Answers once the release file exists' },
  async (extra) => {
    const progressToken = extra._meta?.progressToken;
    if (progressToken !== undefined) {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: 0, message: 'started' },
      });
    }
    await released();
    return { content: [{ type: 'text', text: 'released' }] };
  },
);
await server.connect(new StdioServerTransport());
