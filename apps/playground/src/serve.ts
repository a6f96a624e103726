import { ProxyError, ProxyErrorCode } from '@org/proxy';
import { startDemoProxy } from './demoProxy';
import { bold, line, note } from './ui/print';

/** The port `--serve` uses unless `--port` says otherwise. */
export const DEFAULT_PORT = 3333;

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Serves the demo proxy over streamable HTTP until SIGINT or SIGTERM, printing how to connect
 * the MCP Inspector to it.
 */
export async function runServe(port: number): Promise<void> {
  const demo = await startDemoProxy({ port, cors: true }).catch((error: unknown) => {
    if (error instanceof ProxyError && error.code === ProxyErrorCode.InvalidConfig) {
      error.message += ' (is another program using it? pick a port with --port <n>, 0 for any)';
    }
    throw error;
  });
  const url = demo.http.url;
  line(bold(`MCP proxy playground serving at ${url}`));
  note(`weather: in-process backend at ${demo.config.mcpServers.weather.url}`);
  note('files:   stdio child process (started on first use)');
  line();
  line('Connect the MCP Inspector (it needs Node 22 or later):');
  line('  npx @modelcontextprotocol/inspector');
  line(`  open the page it prints, pick Transport Type "Streamable HTTP", URL ${url}, Connect.`);
  line('  Try weather_summarize (sampling) or weather_plan_trip (elicitation): you answer them.');
  line('Or any MCP client that speaks streamable HTTP, e.g. in an mcpServers config:');
  line(`  { "mcpServers": { "playground": { "url": "${url}" } } }`);
  line();
  line('Press Ctrl+C to stop.');
  const signal = await nextSignal();
  line(`\n${signal}: stopping…`);
  await demo.close();
  line('Stopped.');
}
