import { mcp } from '@org/proxy';
import { ok, received, sent } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** A backend tool fails; an unknown tool is refused; the proxy keeps serving. */
export const backendErrorStep: Step = {
  title: 'A backend error: reported, and the proxy keeps serving',
  async run(tour) {
    const failed = await callTool(tour, 'weather_forecast', { city: 'Atlantis' });
    check(failed.isError === true, 'A failing tool did not give an isError result');
    check(textOf(failed) === 'Unknown city: Atlantis', `Unexpected error text: ${textOf(failed)}`);
    ok('the ToolError thrown by the backend reached the client as an isError result');

    sent('tools/call weather_tornado {}');
    const refused = await tour.client.callTool({ name: 'weather_tornado', arguments: {} }).then(
      (result) => result,
      (error: unknown) => error,
    );
    const message =
      refused instanceof mcp.McpError
        ? `JSON-RPC error: ${refused.message}`
        : JSON.stringify(refused);
    received(message);
    check(
      refused instanceof mcp.McpError || (refused as { isError?: boolean }).isError === true,
      `An unknown tool was not refused: ${message}`,
    );
    sent('ping');
    await tour.client.ping();
    received('pong');
    ok('the session still works after both errors');
  },
};
