import { note, received } from '../ui/print';
import { check, type Step } from './step';

/** Shows what the client learned at initialize. */
export const connectStep: Step = {
  title: 'Connect: one client, one proxy, two backends',
  async run({ client }) {
    const info = client.getServerVersion();
    const capabilities = Object.keys(client.getServerCapabilities() ?? {});
    received(
      `initialize: server "${info?.name}" ${info?.version}, capabilities: ${capabilities.join(', ')}`,
    );
    check(info?.name === 'playground-proxy', `Unexpected server name: ${info?.name}`);
    for (const kind of ['tools', 'resources', 'prompts', 'logging']) {
      check(capabilities.includes(kind), `The proxy does not announce a capability: ${kind}`);
    }
    note('weather: in this process, createProxy(weatherServer): no port, no child process');
    note(
      "files:   a stdio child, createProxy({ command: 'node', args: ['dist/stdioBackend.js'] })",
    );
    note("front:   proxy.mount(weatherProxy, { namespace: 'weather' }), and the same for files");
    note('Names get the backend as a namespace: weather_forecast, data://weather/stations, ...');
  },
};
