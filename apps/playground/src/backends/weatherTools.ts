import { defineTool, type ProviderServer, type Tool, ToolError, z } from '@org/proxy';
import { weatherIcon } from './png';
import { CITIES, forecastFor, forecastSchema } from './weatherData';

const cityInput = z.object({ city: z.string().describe(`A city: ${CITIES.join(', ')}`) });

function knownForecast(city: string) {
  const forecast = forecastFor(city);
  // A ToolError reaches the client as a result with `isError: true`, message intact.
  if (!forecast) throw new ToolError(`Unknown city: ${city}`);
  return forecast;
}

/** `forecast`: a structured result, validated against its output schema. */
export const forecastTool: Tool = defineTool({
  name: 'forecast',
  title: 'Forecast',
  description: "Tomorrow's forecast for a city, as structured data",
  input: cityInput,
  output: forecastSchema,
  annotations: { readOnlyHint: true },
  handler: ({ city }) => knownForecast(city),
});

/** `radar`: a binary result, a small PNG image. */
export const radarTool: Tool = defineTool({
  name: 'radar',
  title: 'Radar image',
  description: 'A 16×16 PNG radar picture of a city',
  input: cityInput,
  annotations: { readOnlyHint: true },
  handler: ({ city }) => {
    const forecast = knownForecast(city);
    const png = weatherIcon(forecast.condition !== 'sunny');
    return [
      { type: 'image', mimeType: 'image/png', data: png.toString('base64') },
      { type: 'text', text: `Radar for ${forecast.city} (${forecast.condition})` },
    ];
  },
});

/** `alerts`: the tool `enable_alerts` adds while the server runs. */
export const alertsTool: Tool = defineTool({
  name: 'alerts',
  title: 'Weather alerts',
  description: 'Severe weather alerts for a city',
  input: cityInput,
  handler: ({ city }) => {
    const forecast = knownForecast(city);
    return forecast.windKmh >= 20
      ? `Wind advisory for ${forecast.city}: gusts up to ${forecast.windKmh + 25} km/h`
      : `No alerts for ${forecast.city}`;
  },
});

/** `enable_alerts`: adds the `alerts` tool to `server`, which sends `tools/list_changed`. */
export function enableAlertsTool(server: ProviderServer): Tool {
  return defineTool({
    name: 'enable_alerts',
    title: 'Enable alerts',
    description: 'Adds the `alerts` tool to this server (clients get tools/list_changed)',
    handler: () => {
      server.add(alertsTool);
      return 'The alerts tool is now available';
    },
  });
}
