import { brief, ok, received, sent } from '../ui/print';
import { callTool } from './calls';
import { check, type Step } from './step';

/** Calls a tool with an output schema: the structured result crosses unchanged. */
export const structuredResultStep: Step = {
  title: 'Tool call with a structured result (outputSchema + structuredContent)',
  async run(tour) {
    sent('tools/list');
    const { tools } = await tour.client.listTools();
    const schema = tools.find((tool) => tool.name === 'weather_forecast')?.outputSchema;
    check(schema !== undefined, 'weather_forecast is listed without its outputSchema');
    received(
      `outputSchema of weather_forecast: properties ${Object.keys(schema.properties ?? {}).join(', ')}`,
    );
    const result = await callTool(tour, 'weather_forecast', { city: 'Lisbon' });
    const forecast = result.structuredContent;
    received(`structuredContent ${brief(forecast, 110)}`);
    check(!result.isError, 'weather_forecast failed');
    check(forecast?.condition === 'sunny', `Unexpected forecast: ${JSON.stringify(forecast)}`);
    check(forecast?.highC === 24, `Unexpected high: ${String(forecast?.highC)}`);
    ok('the client validated structuredContent against the outputSchema the proxy relayed');
  },
};
