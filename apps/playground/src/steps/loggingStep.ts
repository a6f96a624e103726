import type { mcp } from '@org/proxy';
import { brief, ok, received, sent } from '../ui/print';
import { callTool } from './calls';
import { check, type Step } from './step';

const LEVELS = ['debug', 'info', 'warning', 'error'];

/** A backend logs at four levels; each message reaches the client. */
export const loggingStep: Step = {
  title: 'Logging: backend log messages reach the client',
  async run(tour) {
    sent('logging/setLevel debug');
    await tour.client.setLoggingLevel('debug');
    const mark = tour.inbox.mark();
    await callTool(tour, 'weather_diagnostics');
    await tour.inbox.waitFor(
      mark,
      'error-level log message',
      (n) => n.method === 'notifications/message' && n.params.level === 'error',
    );
    const messages = tour.inbox
      .since(mark, 'notifications/message')
      .map((n) => (n as mcp.LoggingMessageNotification).params);
    for (const { level, logger, data } of messages) {
      received(`notifications/message [${level}] ${logger ?? ''}: ${brief(data, 70)}`);
    }
    const levels = messages.map((message) => message.level);
    check(
      levels.join() === LEVELS.join(),
      `Expected log levels ${LEVELS.join(', ')}, got: ${levels.join(', ')}`,
    );
    ok('4 log messages, in order, with their structured data');
  },
};
