import { items, note, ok, received } from '../ui/print';
import { callTool, textOf } from './calls';
import { check, type Step } from './step';

/** A backend adds a tool at runtime; `list_changed` reaches the client through the proxy. */
export const listChangedStep: Step = {
  title: 'list_changed: a backend adds a tool while running',
  async run(tour) {
    const mark = tour.inbox.mark();
    note('weather_enable_alerts calls server.add(alertsTool) on the backend');
    await callTool(tour, 'weather_enable_alerts');
    await tour.inbox.waitFor(
      mark,
      'notifications/tools/list_changed',
      (n) => n.method === 'notifications/tools/list_changed',
    );
    received('notifications/tools/list_changed');
    const tools = (await tour.client.listTools()).tools.map((tool) => tool.name);
    ok(`tools/list again: ${tools.length} tools, now with weather_alerts`);
    items(tools);
    check(tools.includes('weather_alerts'), 'weather_alerts is not listed after list_changed');
    const alerts = await callTool(tour, 'weather_alerts', { city: 'Porto' });
    check(
      textOf(alerts).startsWith('Wind advisory for Porto'),
      `Unexpected alert: ${textOf(alerts)}`,
    );
  },
};
