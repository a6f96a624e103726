import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { Logger } from '@org/transports';
import type { CliConfig } from './cliConfig';

/**
 * Starts the OpenTelemetry Node SDK for the CLI (`--otel`, or `OTEL_EXPORTER_OTLP_ENDPOINT`
 * set): traces only, exported as the `OTEL_*` variables say (by default OTLP over HTTP,
 * protobuf, to `OTEL_EXPORTER_OTLP_ENDPOINT` or `http://localhost:4318`; `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`
 * for JSON), the W3C trace context and baggage propagators, and the service name
 * `OTEL_SERVICE_NAME` or else the proxy's name. Returns the function that shuts the SDK down,
 * flushing the spans not exported yet. Its warnings (an export that failed) go to `logger`
 * unless `OTEL_LOG_LEVEL` asks for the SDK's own console logger.
 */
export async function startOtel(config: CliConfig, logger: Logger): Promise<() => Promise<void>> {
  // Loaded only when asked for: the SDK is large and most runs do without it.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  if (!process.env.OTEL_LOG_LEVEL) {
    diag.setLogger(
      {
        error: (message) => logger.error(`OpenTelemetry: ${message}`),
        warn: (message) => logger.warn(`OpenTelemetry: ${message}`),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
  }
  const sdk = new NodeSDK({
    ...(process.env.OTEL_SERVICE_NAME ? {} : { serviceName: config.name }),
    // Traces only: metrics are Prometheus's (`--metrics`), logs the CLI's own.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  logger.info('OpenTelemetry tracing started');
  return async () => {
    await sdk.shutdown().catch((error: unknown) => {
      logger.warn(`OpenTelemetry shutdown failed: ${String(error)}`);
    });
  };
}
