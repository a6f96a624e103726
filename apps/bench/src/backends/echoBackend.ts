/**
 * Entry point of the stdio echo backend (`dist/echoBackend.js`): the benchmarks start it as a
 * child process (directly, or behind a proxy) and talk MCP with it over stdin and stdout.
 * It exits when its client closes stdin.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createEchoServer } from './echoServer';

const server = createEchoServer();
const transport = new StdioServerTransport();
transport.onclose = () => process.exit(0);
process.stdin.once('end', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
await server.connect(transport);
