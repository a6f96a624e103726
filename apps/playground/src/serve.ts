import { ProxyError, ProxyErrorCode } from '@org/proxy';
import { startDemoProxy } from './demoProxy';
import { bold, line, note } from './ui/print';

/** The port `--serve` uses unless `--port` says otherwise. */
export const DEFAULT_PORT = 3333;

/**
 * Resolves on the first SIGINT or SIGTERM. The listeners stay until `stop()`, so the process
 * is not ended by the signal's default action while it shuts down; a second signal exits at once.
 */
function listenForSignals(): { first: Promise<NodeJS.Signals>; stop(): void } {
  let resolveFirst!: (signal: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((resolve) => {
    resolveFirst = resolve;
  });
  let received = false;
  const on = (signal: NodeJS.Signals): void => {
    if (received) {
      line(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    received = true;
    resolveFirst(signal);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    first,
    stop: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/**
 * Serves the demo proxy over streamable HTTP until SIGINT or SIGTERM, printing how to connect
 * the MCP Inspector to it.
 */
export async function runServe(port: number): Promise<void> {
  const demo = await startDemoProxy({ port, cors: true, dashboard: true }).catch(
    (error: unknown) => {
      if (error instanceof ProxyError && error.code === ProxyErrorCode.InvalidConfig) {
        error.message += ' (is another program using it? pick a port with --port <n>, 0 for any)';
      }
      throw error;
    },
  );
  const url = demo.http.url;
  line(bold(`MCP proxy playground serving at ${url}`));
  if (demo.dashboardUrl) line(`Dashboard: ${demo.dashboardUrl}`);
  note('weather: in-process backend (a server object in this process, no port)');
  note('files:   a stdio child process per client session, started on first use');
  line();
  line('Connect the MCP Inspector (it needs Node 22 or later):');
  line('  npx @modelcontextprotocol/inspector');
  line(`  open the page it prints, pick Transport Type "Streamable HTTP", URL ${url}, Connect.`);
  line('  Try weather_summarize (sampling) or weather_plan_trip (elicitation): you answer them.');
  line('Or any MCP client that speaks streamable HTTP, e.g. in an mcpServers config:');
  line(`  { "mcpServers": { "playground": { "url": "${url}" } } }`);
  line();
  const signals = listenForSignals();
  line('Press Ctrl+C to stop.');
  try {
    const signal = await signals.first;
    line(`\n${signal}: stopping…`);
    await demo.close();
    line('Stopped.');
  } finally {
    signals.stop();
  }
}
