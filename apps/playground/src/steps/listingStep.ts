import { items, ok } from '../ui/print';
import { check, type Step } from './step';

function expectAll(listed: readonly string[], wanted: readonly string[], what: string): void {
  const missing = wanted.filter((name) => !listed.includes(name));
  check(missing.length === 0, `Missing from ${what}: ${missing.join(', ')}`);
}

/** Lists every kind of component through the proxy. */
export const listingStep: Step = {
  title: 'Listing: tools, resources, templates and prompts of both backends',
  async run({ client, demo }) {
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    ok(`tools/list: ${tools.length} tools`);
    items(tools);
    expectAll(tools, ['weather_forecast', 'weather_radar', 'files_read_file'], 'tools/list');
    check(!tools.includes('weather_alerts'), 'weather_alerts is listed before it was added');

    const resources = (await client.listResources()).resources.map((resource) => resource.uri);
    ok(`resources/list: ${resources.join(', ')}`);
    expectAll(resources, ['data://weather/stations', 'docs://files/welcome.md'], 'resources/list');

    const templates = (await client.listResourceTemplates()).resourceTemplates;
    ok(`resources/templates/list: ${templates.map((t) => t.uriTemplate).join(', ')}`);
    expectAll(
      templates.map((t) => t.uriTemplate),
      ['data://weather/city/{name}'],
      'resources/templates/list',
    );

    const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    ok(`prompts/list: ${prompts.join(', ')}`);
    expectAll(prompts, ['weather_packing_list'], 'prompts/list');

    const weatherKind = (await demo.backends.weather.clientFactory()).connector.kind;
    const filesKind = (await demo.backends.files.clientFactory()).connector.kind;
    check(weatherKind === 'in-memory', `The weather backend is reached over ${weatherKind}`);
    check(filesKind === 'stdio', `The files backend is reached over ${filesKind}`);
    const sessions = demo.weather.sessions.length;
    check(sessions > 0, 'The in-process weather server has no session: it was not reached');
    ok(`weather is reached ${weatherKind}: its server object has ${sessions} session(s)`);
    ok(`files is reached over ${filesKind}, a child process`);
  },
};
