import type { mcp } from '@org/proxy';
import { brief, received, sent } from '../ui/print';

/** The model name the scripted client answers sampling requests with. */
export const SCRIPTED_MODEL = 'scripted-model';

/** The roots the scripted client shares. */
export const SCRIPTED_ROOTS: mcp.ListRootsResult['roots'] = [
  { uri: 'file:///home/newcomer/projects/weather-app', name: 'weather-app' },
  { uri: 'file:///home/newcomer/notes', name: 'notes' },
];

/** What the scripted "user" types into the elicitation form. */
export const SCRIPTED_TRIP = { city: 'Porto', days: 3 };

function textOf(params: mcp.CreateMessageRequest['params']): string {
  const content = params.messages.at(-1)?.content;
  return content && !Array.isArray(content) && content.type === 'text' ? content.text : '';
}

/** Plays the client's model: reads the forecast in the prompt and writes one sentence. */
export function answerSampling(
  params: mcp.CreateMessageRequest['params'],
): mcp.CreateMessageResult {
  const prompt = textOf(params);
  received(`sampling/createMessage: "${brief(prompt, 90)}"`);
  const city = /"city":"([^"]+)"/.exec(prompt)?.[1] ?? 'The city';
  const condition = /"condition":"([^"]+)"/.exec(prompt)?.[1] ?? 'fine';
  const high = /"highC":(-?\d+)/.exec(prompt)?.[1];
  const text = `${city} looks ${condition} tomorrow${high ? `, up to ${high} °C` : ''}.`;
  sent(`answer from "${SCRIPTED_MODEL}": "${text}"`);
  return {
    model: SCRIPTED_MODEL,
    role: 'assistant',
    stopReason: 'endTurn',
    content: { type: 'text', text },
  };
}

/** Plays the user: accepts the form with {@link SCRIPTED_TRIP}. */
export function answerElicitation(params: mcp.ElicitRequest['params']): mcp.ElicitResult {
  const fields = 'requestedSchema' in params ? Object.keys(params.requestedSchema.properties) : [];
  received(
    `elicitation/create (${params.mode ?? 'form'} mode): "${params.message}" fields: ${fields.join(', ')}`,
  );
  sent(`the user accepts: ${JSON.stringify(SCRIPTED_TRIP)}`);
  return { action: 'accept', content: SCRIPTED_TRIP };
}

/** Answers `roots/list` with {@link SCRIPTED_ROOTS}. */
export function answerRoots(): mcp.ListRootsResult {
  received('roots/list');
  sent(`${SCRIPTED_ROOTS.length} roots: ${SCRIPTED_ROOTS.map((root) => root.uri).join(', ')}`);
  return { roots: SCRIPTED_ROOTS };
}
