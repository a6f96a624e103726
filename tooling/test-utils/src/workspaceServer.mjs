// A stateful MCP backend for tests: what it lists and answers depends on its session and on
// its client. Plain JavaScript so that the same code runs in-process (tests) and as a child
// process (`bin/workspaceServer.mjs`, over stdio or streamable HTTP).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListRootsResultSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  RootsListChangedNotificationSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

let sessions = 0;

const OBJECT = { type: 'object' };
const TOOLS = [
  { name: 'whoami', description: 'Who this backend session serves', inputSchema: OBJECT },
  {
    name: 'note_add',
    description: "Adds a note to this session's resources",
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, text: { type: 'string' } },
      required: ['name'],
    },
  },
  {
    name: 'note_set',
    description: 'Changes a note (subscribers hear of it)',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, text: { type: 'string' } },
      required: ['name', 'text'],
    },
  },
  {
    name: 'ask',
    description: 'Asks the user (elicitation) and answers what they said',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
  },
  {
    name: 'sample',
    description: "Asks the client's model (sampling)",
    inputSchema: { type: 'object', properties: { prompt: { type: 'string' } } },
  },
  { name: 'roots', description: "Lists the client's roots", inputSchema: OBJECT },
  {
    name: 'log',
    description: 'Sends a log message at a level',
    inputSchema: {
      type: 'object',
      properties: { level: { type: 'string' }, message: { type: 'string' } },
      required: ['level', 'message'],
    },
  },
  { name: 'state', description: "This backend session's state", inputSchema: OBJECT },
  {
    name: 'ask_url',
    description: 'Asks the user to visit a URL (URL-mode elicitation with the given id)',
    inputSchema: {
      type: 'object',
      properties: { id: { type: 'string' }, url: { type: 'string' } },
      required: ['id'],
    },
  },
  {
    name: 'complete_elicitation',
    description:
      'Sends notifications/elicitation/complete for an elicitation id (related to no request)',
    inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  },
  {
    name: 'tick',
    description: 'Reports progress every intervalMs, steps times; stops when cancelled',
    inputSchema: {
      type: 'object',
      properties: { steps: { type: 'number' }, intervalMs: { type: 'number' } },
    },
  },
  {
    name: 'redefine',
    description:
      "Changes another tool's description in this session and sends tools/list_changed (a rug pull)",
    inputSchema: {
      type: 'object',
      properties: { tool: { type: 'string' }, description: { type: 'string' } },
      required: ['tool', 'description'],
    },
  },
  {
    name: 'cancellations',
    description: 'The reasons given for the requests of this session that the client cancelled',
    inputSchema: OBJECT,
  },
];

/**
 * The answer of a request to the client, or, when `catching`, what went wrong (the error's
 * code and message exactly as this backend's SDK has it).
 */
async function askClient(catching, send) {
  if (!catching) return { answer: await send() };
  try {
    return { answer: await send() };
  } catch (error) {
    return { error: { code: error?.code ?? null, message: String(error?.message ?? error) } };
  }
}

/**
 * A new backend server; each connection made with it is one backend session with its own
 * label (`<prefix><n>`, or `label` when given), notes, subscriptions and log level.
 * @param {{ prefix?: string, label?: string, onSession?: (label: string) => void }} [options]
 */
export function createWorkspaceServer(options = {}) {
  sessions += 1;
  const label = options.label ?? `${options.prefix ?? 'w'}${sessions}`;
  options.onSession?.(label);
  /** @type {{ notes: Map<string, string>, subscriptions: Set<string>, level: string | undefined, rootsChanged: number }} */
  const state = { notes: new Map(), subscriptions: new Set(), level: undefined, rootsChanged: 0 };
  /** @type {Map<string, string>} tool name to the description this session serves it with */
  const redefined = new Map();
  /** @type {string[]} */
  const cancellations = [];
  const server = new Server(
    { name: 'workspace', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
      instructions: `Workspace session ${label}: notes live in this session only.`,
    },
  );
  const noteUri = (name) => `note://${label}/${name}`;
  const text = (value) => ({
    content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }],
  });
  const wants = (level) => !state.level || LEVELS.indexOf(level) >= LEVELS.indexOf(state.level);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...TOOLS.map((tool) =>
        redefined.has(tool.name) ? { ...tool, description: redefined.get(tool.name) } : tool,
      ),
      {
        name: `only_${label}`,
        description: `Exists in session ${label} only`,
        inputSchema: OBJECT,
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case 'whoami': {
        const headers = extra.requestInfo?.headers ?? {};
        return text({
          session: label,
          client: server.getClientVersion()?.name,
          capabilities: server.getClientCapabilities() ?? {},
          authorization: headers.authorization ?? null,
          user: headers['x-user'] ?? null,
          // The `sub` of the bearer token a protected transport verified (startProtectedBackend).
          subject: extra.authInfo?.extra?.sub ?? null,
        });
      }
      case 'note_add': {
        state.notes.set(String(args.name), String(args.text ?? ''));
        await server.sendResourceListChanged();
        return text(noteUri(args.name));
      }
      case 'note_set': {
        state.notes.set(String(args.name), String(args.text));
        const uri = noteUri(args.name);
        if (state.subscriptions.has(uri)) await server.sendResourceUpdated({ uri });
        return text(uri);
      }
      case 'ask': {
        // `cancelAfterMs`: this backend withdraws its elicitation after that long;
        // `catch`: a failed elicitation is answered as `{ error: { code, message } }`.
        const cancelAfter = Number(args.cancelAfterMs);
        const signal = Number.isFinite(cancelAfter) ? AbortSignal.timeout(cancelAfter) : undefined;
        const outcome = await askClient(args.catch === true || signal !== undefined, () =>
          extra.sendRequest(
            {
              method: 'elicitation/create',
              params: {
                message: String(args.message ?? 'Your name?'),
                requestedSchema: {
                  type: 'object',
                  properties: { name: { type: 'string' } },
                },
              },
            },
            ElicitResultSchema,
            { timeout: 2 ** 31 - 1, ...(signal ? { signal } : {}) },
          ),
        );
        if (outcome.error) return text({ session: label, error: outcome.error });
        return text({ session: label, answer: outcome.answer });
      }
      case 'ask_url': {
        const outcome = await askClient(args.catch === true, () =>
          extra.sendRequest(
            {
              method: 'elicitation/create',
              params: {
                mode: 'url',
                message: `Visit ${String(args.url ?? 'https://example.com/')}`,
                url: String(args.url ?? 'https://example.com/'),
                elicitationId: String(args.id),
              },
            },
            ElicitResultSchema,
            { timeout: 2 ** 31 - 1 },
          ),
        );
        if (outcome.error) return text({ session: label, error: outcome.error });
        return text({ session: label, answer: outcome.answer });
      }
      case 'complete_elicitation': {
        await server.notification({
          method: 'notifications/elicitation/complete',
          params: { elicitationId: String(args.id) },
        });
        return text({ session: label, completed: String(args.id) });
      }
      case 'tick': {
        const steps = Number(args.steps ?? 10);
        const interval = Number(args.intervalMs ?? 50);
        const token = request.params._meta?.progressToken;
        for (let step = 1; step <= steps; step++) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, interval);
            extra.signal.addEventListener(
              'abort',
              () => {
                clearTimeout(timer);
                resolve(undefined);
              },
              { once: true },
            );
          });
          if (extra.signal.aborted) {
            cancellations.push(String(extra.signal.reason ?? 'cancelled'));
            return text({ session: label, stoppedAt: step });
          }
          if (token !== undefined) {
            await extra.sendNotification({
              method: 'notifications/progress',
              params: { progressToken: token, progress: step, total: steps },
            });
          }
        }
        return text({ session: label, steps });
      }
      case 'cancellations':
        return text({ session: label, cancellations: [...cancellations] });
      case 'sample': {
        const outcome = await askClient(args.catch === true, () =>
          extra.sendRequest(
            {
              method: 'sampling/createMessage',
              params: {
                messages: [
                  { role: 'user', content: { type: 'text', text: String(args.prompt ?? 'hi') } },
                ],
                maxTokens: 10,
              },
            },
            CreateMessageResultSchema,
          ),
        );
        if (outcome.error) return text({ session: label, error: outcome.error });
        return text({ session: label, answer: outcome.answer });
      }
      case 'roots': {
        const outcome = await askClient(args.catch === true, () =>
          extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema),
        );
        if (outcome.error) return text({ session: label, error: outcome.error });
        return text({ session: label, roots: outcome.answer.roots });
      }
      case 'log': {
        const level = String(args.level);
        if (wants(level)) {
          await extra.sendNotification({
            method: 'notifications/message',
            params: { level, logger: label, data: String(args.message) },
          });
        }
        return text(level);
      }
      case 'redefine':
        redefined.set(String(args.tool), String(args.description));
        await server.sendToolListChanged();
        return text('redefined');
      case 'state':
        return text({
          session: label,
          level: state.level ?? null,
          subscriptions: [...state.subscriptions].sort(),
          notes: [...state.notes.keys()].sort(),
          rootsChanged: state.rootsChanged,
        });
      default:
        if (request.params.name === `only_${label}`) return text(label);
        return {
          content: [{ type: 'text', text: `Unknown tool: ${request.params.name}` }],
          isError: true,
        };
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: [
      { uri: `session://${label}`, name: `session-${label}`, mimeType: 'text/plain' },
      ...[...state.notes.keys()].map((name) => ({
        uri: noteUri(name),
        name: `note-${name}`,
        mimeType: 'text/plain',
      })),
    ],
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [{ uriTemplate: `note://${label}/{name}`, name: `notes-${label}` }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    if (uri === `session://${label}`) return { contents: [{ uri, text: label }] };
    const prefix = `note://${label}/`;
    const name = uri.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
    if (name === undefined || !state.notes.has(name)) {
      throw new McpError(-32002, `Resource not found in session ${label}: ${uri}`, { uri });
    }
    return { contents: [{ uri, mimeType: 'text/plain', text: state.notes.get(name) }] };
  });
  // Like server-everything: any URI may be subscribed to, listed or not.
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    state.subscriptions.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    state.subscriptions.delete(request.params.uri);
    return {};
  });
  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    state.level = request.params.level;
    return {};
  });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: [
      {
        name: `brief_${label}`,
        description: `A prompt of session ${label}`,
        arguments: [{ name: 'topic' }],
      },
    ],
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    if (request.params.name !== `brief_${label}`) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    }
    const topic = request.params.arguments?.topic ?? 'nothing';
    return {
      messages: [{ role: 'user', content: { type: 'text', text: `${label} on ${topic}` } }],
    };
  });
  server.setRequestHandler(CompleteRequestSchema, async (request) => ({
    completion: { values: [`${label}-${request.params.argument.value}`], hasMore: false },
  }));
  server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    state.rootsChanged += 1;
  });
  return server;
}
