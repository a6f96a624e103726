/**
 * Entry point of the stdio demo backend (`dist/stdioBackend.js`): the tour starts it as a
 * child process and talks MCP with it over stdin and stdout. Nothing else may write to stdout.
 */
import { serveStdio } from '@org/proxy';
import { createFilesServer } from './filesServer';

const server = createFilesServer();
const handle = await serveStdio(server);
const stop = (): void => {
  void handle.close();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
await handle.closed;
await server.close();
