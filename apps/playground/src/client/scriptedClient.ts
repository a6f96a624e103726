import { Client, mcp, StreamableHTTPClientTransport } from '@org/proxy';
import { Inbox } from './inbox';
import { answerElicitation, answerRoots, answerSampling } from './scriptedAnswers';

/** How many server-to-client requests the scripted client answered, by kind. */
export interface AnswerCounts {
  /** `sampling/createMessage` requests. */
  sampling: number;
  /** `elicitation/create` requests. */
  elicitation: number;
  /** `roots/list` requests. */
  roots: number;
}

/** The tour's MCP client, connected to the proxy. */
export interface ScriptedClient {
  /** The SDK client. */
  client: Client;
  /** Every notification it received. */
  inbox: Inbox;
  /** What it answered so far. */
  answered: AnswerCounts;
  /** Disconnects (ends the HTTP session). */
  close(): Promise<void>;
}

/**
 * Connects an SDK client to `url` over streamable HTTP. It declares sampling, form
 * elicitation and roots, answers them with scripted values (printing what it got), and keeps
 * every notification (logs, list changes) in an inbox.
 */
export async function connectScriptedClient(url: string): Promise<ScriptedClient> {
  const client = new Client(
    { name: 'playground-tour', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
  );
  const inbox = new Inbox();
  const answered: AnswerCounts = { sampling: 0, elicitation: 0, roots: 0 };
  client.setRequestHandler(mcp.CreateMessageRequestSchema, (request) => {
    answered.sampling += 1;
    return answerSampling(request.params);
  });
  client.setRequestHandler(mcp.ElicitRequestSchema, (request) => {
    answered.elicitation += 1;
    return answerElicitation(request.params);
  });
  client.setRequestHandler(mcp.ListRootsRequestSchema, () => {
    answered.roots += 1;
    return answerRoots();
  });
  for (const schema of [
    mcp.LoggingMessageNotificationSchema,
    mcp.ToolListChangedNotificationSchema,
    mcp.ResourceListChangedNotificationSchema,
    mcp.PromptListChangedNotificationSchema,
  ]) {
    client.setNotificationHandler(schema, (notification) => inbox.push(notification));
  }
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    inbox,
    answered,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}
