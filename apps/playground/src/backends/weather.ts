import { type Logger, ProviderServer } from '@org/proxy';
import { CancellationLog } from './cancellationLog';
import { diagnosticsTool, listRootsTool, planTripTool, summarizeTool } from './clientTools';
import { buildReportTool, waitForCancelTool, wasCancelledTool } from './longRunningTools';
import { cityTemplate, packingPrompt, stationsResource } from './weatherCatalog';
import { enableAlertsTool, forecastTool, radarTool } from './weatherTools';

/**
 * The in-process demo backend: a `ProviderServer` with a tool for each feature the tour shows
 * (structured and binary results, sampling, elicitation, roots, logging, progress,
 * cancellation, errors, a tool added at runtime), a resource, a template and a prompt.
 */
export function createWeatherServer(logger?: Logger): ProviderServer {
  const server = new ProviderServer({
    name: 'weather',
    version: '1.0.0',
    instructions: 'Made-up weather for a handful of cities.',
    ...(logger ? { logger } : {}),
  });
  const cancellations = new CancellationLog();
  server.add(
    forecastTool,
    radarTool,
    summarizeTool,
    planTripTool,
    listRootsTool,
    diagnosticsTool,
    buildReportTool,
    waitForCancelTool(cancellations),
    wasCancelledTool(cancellations),
    enableAlertsTool(server),
    stationsResource,
    cityTemplate,
    packingPrompt,
  );
  return server;
}
