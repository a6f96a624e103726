import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { defineTool, LOG_LEVELS, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectInMemory, inbox } from './helpers';

function loggingServer() {
  return new ProviderServer({ name: 'logs' }).add(
    defineTool({
      name: 'chatty',
      handler: async (_args, context) => {
        for (const level of LOG_LEVELS) await context!.log(level, { level, n: 1 }, 'chatty');
        await context!.log('info', 'plain text');
        return 'done';
      },
    }),
  );
}

describe('logging', () => {
  it('announces logging and sends every level before any setLevel', async () => {
    const server = loggingServer();
    await using c = await connectInMemory(server);
    expect(c.client.getServerCapabilities()?.logging).toEqual({});
    const messages = inbox(c.client, LoggingMessageNotificationSchema);
    await c.client.callTool({ name: 'chatty', arguments: {} });
    for (const level of LOG_LEVELS) {
      expect((await messages.next()).params).toEqual({
        level,
        data: { level, n: 1 },
        logger: 'chatty',
      });
    }
    expect((await messages.next()).params).toEqual({ level: 'info', data: 'plain text' });
  });

  it('sends only messages at or above the level set with logging/setLevel, per session', async () => {
    const server = loggingServer();
    await using quiet = await connectInMemory(server, {}, 'quiet');
    await using loud = await connectInMemory(server, {}, 'loud');
    await quiet.client.setLoggingLevel('error');
    await loud.client.setLoggingLevel('info');
    const quietMessages = inbox(quiet.client, LoggingMessageNotificationSchema);
    const loudMessages = inbox(loud.client, LoggingMessageNotificationSchema);

    await quiet.client.callTool({ name: 'chatty', arguments: {} });
    await loud.client.callTool({ name: 'chatty', arguments: {} });
    const quietExpected = LOG_LEVELS.slice(LOG_LEVELS.indexOf('error'));
    for (const level of quietExpected)
      expect((await quietMessages.next()).params.level).toBe(level);
    const loudExpected = [...LOG_LEVELS.slice(LOG_LEVELS.indexOf('info')), 'info'];
    for (const level of loudExpected) expect((await loudMessages.next()).params.level).toBe(level);

    // A later call's messages come after: nothing below the threshold slipped in between.
    await quiet.client.callTool({ name: 'chatty', arguments: {} });
    for (const level of quietExpected)
      expect((await quietMessages.next()).params.level).toBe(level);
    expect(quietMessages.received).toHaveLength(quietExpected.length * 2);
    expect(server.sessions.map((s) => s.logLevel).sort()).toEqual(['error', 'info']);
  });
});
