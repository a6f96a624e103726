import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createConsoleLogger,
  createDashboard,
  createProxy,
  type Dashboard,
  dashboardUrl,
  type HttpServerHandle,
  ProviderServer,
  type ProxyServer,
  type StdioTarget,
  serveHttp,
} from '@org/proxy';
import { createWeatherServer } from './backends/weather';

/** Where the built stdio backend is: next to the built tour, in `dist/`. */
export const STDIO_BACKEND_SCRIPT = fileURLToPath(new URL('./stdioBackend.js', import.meta.url));

/** The demo backends and the proxy in front of them. */
export interface DemoProxy {
  /** The in-process backend: a server object in this process, reached without any port. */
  weather: ProviderServer;
  /** The command of the backend the proxy starts as a stdio child. */
  files: StdioTarget & { args: string[] };
  /** The proxy of each backend, made with `createProxy`. */
  backends: { weather: ProxyServer; files: ProxyServer };
  /** The front: one server serving both proxies under namespaces. */
  proxy: ProviderServer;
  /** The front's HTTP endpoint. */
  http: HttpServerHandle;
  /** The live dashboard's URL, when `dashboard` was asked for. */
  dashboardUrl: string | undefined;
  /** Stops the front, the proxies (and with them the stdio child), then the weather backend. */
  close(): Promise<void>;
}

/** Options of {@link startDemoProxy}. */
export interface DemoProxyOptions {
  /** The proxy's port; 0 picks a free one. @default 0 */
  port?: number;
  /** Answer CORS preflights (browser clients such as the Inspector's direct mode). @default false */
  cors?: boolean;
  /** Serve the live dashboard under `/dashboard/`. @default false */
  dashboard?: boolean;
}

/** Closes each of `steps` in order, all of them even when one fails; rethrows the first error. */
async function closeAll(steps: Array<() => Promise<void>>): Promise<void> {
  const results = [];
  for (const step of steps)
    results.push(
      await step().then(
        () => undefined,
        (error) => error,
      ),
    );
  const failed = results.find((error) => error !== undefined);
  if (failed !== undefined) throw failed;
}

/**
 * Makes a proxy of the in-process weather backend and one of the stdio `files` backend, mounts
 * both under namespaces on one front server, and serves it over streamable HTTP on 127.0.0.1.
 */
export async function startDemoProxy(options: DemoProxyOptions = {}): Promise<DemoProxy> {
  if (!existsSync(STDIO_BACKEND_SCRIPT)) {
    throw new Error(
      `Stdio backend not built, run \`pnpm run build\` first: ${STDIO_BACKEND_SCRIPT}`,
    );
  }
  const logger = createConsoleLogger('warn', '[playground] ');
  const weather = createWeatherServer(logger);
  const files = { name: 'files', command: process.execPath, args: [STDIO_BACKEND_SCRIPT] };
  // createProxy takes the server object itself (a linked in-memory pair, no port, no process)
  // and a command (the child starts on first use). Each client session of the front gets its
  // own backend sessions (the default 'per-session' strategy).
  const backends = {
    weather: createProxy(weather, { name: 'weather', logger }),
    files: createProxy(files, { name: 'files', logger }),
  };
  // One front for both, each under its namespace: weather_forecast, files_read_file,
  // data://weather/stations. A backend that fails is logged and skipped; the other keeps working.
  const proxy = new ProviderServer({ name: 'playground-proxy', version: '1.0.0', logger });
  proxy.mount(backends.weather, { namespace: 'weather' });
  proxy.mount(backends.files, { namespace: 'files' });
  // The dashboard watches the front (client calls) and both proxies (backend requests).
  const dashboard: Dashboard | undefined = options.dashboard
    ? createDashboard([proxy, backends.weather, backends.files])
    : undefined;
  const stopProxies = [
    async () => dashboard?.close(),
    () => proxy.close(),
    () => backends.weather.close(),
    () => backends.files.close(), // this ends the stdio child
    () => weather.close(),
  ];
  let http: HttpServerHandle;
  try {
    http = await serveHttp(proxy, {
      host: '127.0.0.1',
      port: options.port ?? 0,
      cors: options.cors ?? false,
      routes: dashboard?.routes ?? [],
      logger,
    });
  } catch (error) {
    await closeAll(stopProxies).catch(() => undefined);
    throw error;
  }
  const close = (): Promise<void> => closeAll([() => http.close(), ...stopProxies]);
  const dashboardAt = dashboard ? dashboardUrl(http.url) : undefined;
  return { weather, files, backends, proxy, http, dashboardUrl: dashboardAt, close };
}
