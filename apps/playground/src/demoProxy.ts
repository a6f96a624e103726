import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createConsoleLogger,
  createProxy,
  type HttpServerHandle,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { startWeatherBackend, type WeatherBackend } from './backends/weather';

/** Where the built stdio backend is: next to the built tour, in `dist/`. */
export const STDIO_BACKEND_SCRIPT = fileURLToPath(new URL('./stdioBackend.js', import.meta.url));

/** The `mcpServers` config the proxy is made from: the format of Claude Desktop and Cursor. */
export interface DemoConfig {
  /** The backends by name: each name becomes a namespace. */
  mcpServers: {
    /** The in-process backend, reached over streamable HTTP. */
    weather: { url: string };
    /** The backend the proxy starts as a stdio child. */
    files: { command: string; args: string[] };
  };
}

/** The demo backends and the proxy in front of them. */
export interface DemoProxy {
  /** The in-process backend. */
  weather: WeatherBackend;
  /** The config the proxy was made from. */
  config: DemoConfig;
  /** The proxy. */
  proxy: ProxyServer;
  /** The proxy's HTTP endpoint. */
  http: HttpServerHandle;
  /** Stops the proxy (and with it the stdio child), then the weather backend. */
  close(): Promise<void>;
}

/** Options of {@link startDemoProxy}. */
export interface DemoProxyOptions {
  /** The proxy's port; 0 picks a free one. @default 0 */
  port?: number;
  /** Answer CORS preflights (browser clients such as the Inspector's direct mode). @default false */
  cors?: boolean;
}

/**
 * Starts the weather backend over HTTP, makes a proxy of it and of the stdio `files` backend
 * from an `mcpServers` config, and serves the proxy over streamable HTTP on 127.0.0.1.
 */
export async function startDemoProxy(options: DemoProxyOptions = {}): Promise<DemoProxy> {
  if (!existsSync(STDIO_BACKEND_SCRIPT)) {
    throw new Error(
      `Stdio backend not built, run \`pnpm run build\` first: ${STDIO_BACKEND_SCRIPT}`,
    );
  }
  const logger = createConsoleLogger('warn', '[playground] ');
  const weather = await startWeatherBackend(logger);
  const config: DemoConfig = {
    mcpServers: {
      weather: { url: weather.http.url },
      files: { command: process.execPath, args: [STDIO_BACKEND_SCRIPT] },
    },
  };
  const proxy = createProxy(config, { name: 'playground-proxy', version: '1.0.0', logger });
  let http: HttpServerHandle;
  try {
    http = await serveHttp(proxy, {
      host: '127.0.0.1',
      port: options.port ?? 0,
      cors: options.cors ?? false,
      logger,
    });
  } catch (error) {
    await proxy.close();
    await weather.close();
    throw error;
  }
  const close = async (): Promise<void> => {
    try {
      await http.close();
    } finally {
      try {
        await proxy.close(); // this ends the stdio child too
      } finally {
        await weather.close();
      }
    }
  };
  return { weather, config, proxy, http, close };
}
