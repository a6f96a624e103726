import { defineTool, type Tool, ToolError, z } from '@org/proxy';
import { contextOf } from './context';
import { CITIES, forecastFor, packingAdvice } from './weatherData';

/** `summarize`: asks the client's model for a sentence (`sampling/createMessage`). */
export const summarizeTool: Tool = defineTool({
  name: 'summarize',
  title: 'Summarize',
  description: "Asks the client's model to summarize a forecast in one sentence",
  input: z.object({ city: z.string() }),
  handler: async ({ city }, context) => {
    const forecast = forecastFor(city);
    if (!forecast) throw new ToolError(`Unknown city: ${city}`);
    const answer = await contextOf(context, 'summarize').sample({
      systemPrompt: 'You are a cheerful weather presenter.',
      messages: [
        {
          role: 'user',
          content: { type: 'text', text: `Summarize in one sentence: ${JSON.stringify(forecast)}` },
        },
      ],
      maxTokens: 60,
    });
    const text = answer.content.type === 'text' ? answer.content.text : `[${answer.content.type}]`;
    return `${answer.model} says: ${text}`;
  },
});

/** `plan_trip`: asks the user where to go (`elicitation/create`, form mode). */
export const planTripTool: Tool = defineTool({
  name: 'plan_trip',
  title: 'Plan a trip',
  description: 'Asks the user for a destination and a length, then gives packing advice',
  handler: async (_args, context) => {
    const answer = await contextOf(context, 'plan_trip').elicit({
      mode: 'form',
      message: 'Where would you like to go?',
      requestedSchema: {
        type: 'object',
        properties: {
          city: { type: 'string', title: 'City', enum: [...CITIES] },
          days: { type: 'integer', title: 'Days', minimum: 1, maximum: 14 },
        },
        required: ['city'],
      },
    });
    if (answer.action !== 'accept') return `No trip planned (the user chose ${answer.action})`;
    const city = String(answer.content?.city ?? '');
    const days = Number(answer.content?.days ?? 1);
    const forecast = forecastFor(city);
    if (!forecast) throw new ToolError(`Unknown city: ${city}`);
    return `${days} days in ${forecast.city}: ${forecast.condition}, pack ${packingAdvice(forecast)}`;
  },
});

/** `list_roots`: asks the client which directories it shares (`roots/list`). */
export const listRootsTool: Tool = defineTool({
  name: 'list_roots',
  title: 'List roots',
  description: 'Asks the client for its roots and lists them',
  annotations: { readOnlyHint: true },
  handler: async (_args, context) => {
    const { roots } = await contextOf(context, 'list_roots').listRoots();
    const names = roots.map((root) => `${root.name ?? '(unnamed)'} at ${root.uri}`);
    return `The client shares ${roots.length} root(s): ${names.join('; ')}`;
  },
});

/** `diagnostics`: logs at four levels (`notifications/message`). */
export const diagnosticsTool: Tool = defineTool({
  name: 'diagnostics',
  title: 'Diagnostics',
  description: 'Checks the weather stations, logging at debug, info, warning and error level',
  handler: async (_args, context) => {
    const ctx = contextOf(context, 'diagnostics');
    await ctx.log('debug', 'Polling 5 stations', 'weather');
    await ctx.log('info', { station: 'LIS-01', status: 'ok' }, 'weather');
    await ctx.log('warning', { station: 'OSL-02', status: 'battery low' }, 'weather');
    await ctx.log('error', { station: 'NBO-03', status: 'no signal' }, 'weather');
    return 'Checked 5 stations: 1 warning, 1 error (see the log)';
  },
});
