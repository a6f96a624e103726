import { brief, ok, received } from '../ui/print';
import { callTool } from './calls';
import { check, type Step } from './step';

/** Calls a tool with an output schema: the structured result crosses unchanged. */
export const structuredResultStep: Step = {
  title: 'Tool call with a structured result (outputSchema + structuredContent)',
  async run(tour) {
    const result = await callTool(tour, 'weather_forecast', { city: 'Lisbon' });
    const forecast = result.structuredContent;
    received(`structuredContent ${brief(forecast, 110)}`);
    check(!result.isError, 'weather_forecast failed');
    check(forecast?.condition === 'sunny', `Unexpected forecast: ${JSON.stringify(forecast)}`);
    check(forecast?.highC === 24, `Unexpected high: ${String(forecast?.highC)}`);
    ok('the client validated structuredContent against the outputSchema the proxy relayed');
  },
};
