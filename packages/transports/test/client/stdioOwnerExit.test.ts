import { isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildProcessTransport } from '../../src/client/index';
import { OWNER_EXIT_SIGNALS } from '../../src/client/liveChildren';
import { envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';
import { type Owner, startOwner } from '../fixtures/ownerProcesses';

expectNoChildLeftAfterEach();

// Every owner here runs a child that ignores stdin EOF, SIGTERM, SIGINT and SIGHUP: only this
// package killing it (with SIGKILL) ends it when its owner goes away.
describe('a stdio child does not outlive the process that owns it', () => {
  const owners: Owner[] = [];
  afterEach(() => {
    for (const owner of owners.splice(0)) owner.kill();
  });

  const gone = (owner: Owner) =>
    waitFor(() => !isPidAlive(owner.childPid), { what: `child ${owner.childPid} to exit` });

  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
    it(`kills the child when the owner gets ${signal} and lets the signal end the owner`, async () => {
      const owner = await startOwner('wait', owners);
      expect(isPidAlive(owner.childPid)).toBe(true);
      owner.process.kill(signal);
      expect(await owner.exited()).toEqual({ code: null, signal });
      await gone(owner);
    }, 45_000);
  }

  it('leaves a signal the application handles to it, and kills the child on SIGTERM', async () => {
    const owner = await startOwner('ignore-hup', owners);
    owner.process.kill('SIGHUP');
    // The application chose to keep running: its child keeps serving it.
    expect((await owner.line(/^(still serving \d+|child gone)$/m))[1]).toBe(
      `still serving ${owner.childPid}`,
    );
    expect(isPidAlive(owner.childPid)).toBe(true);
    owner.process.kill('SIGTERM');
    expect(await owner.exited()).toEqual({ code: null, signal: 'SIGTERM' });
    await gone(owner);
  }, 45_000);

  it('lets a once listener the application added first shut down gracefully', async () => {
    const owner = await startOwner('exit-on-term', owners);
    owner.process.kill('SIGTERM');
    await owner.line(/^handled SIGTERM$/m);
    // Its own exit code: the signal was not raised again under its graceful shutdown.
    expect(await owner.exited()).toEqual({ code: 7, signal: null });
    await gone(owner);
  }, 45_000);

  it('kills the child when the owner calls process.exit()', async () => {
    const owner = await startOwner('exit', owners);
    expect(await owner.exited()).toEqual({ code: 0, signal: null });
    await gone(owner);
  }, 45_000);
});

describe('owner exit listeners', () => {
  it('listen only while a child is alive', async () => {
    const count = () => [
      process.listenerCount('exit'),
      ...OWNER_EXIT_SIGNALS.map((signal) => process.listenerCount(signal)),
    ];
    const before = count();
    const transport = new ChildProcessTransport(envServerTarget({ stderr: 'ignore' }));
    const client = newClient();
    await client.connect(transport);
    try {
      expect(count()).toEqual(before.map((listeners) => listeners + 1));
    } finally {
      await client.close();
    }
    expect(count()).toEqual(before);
  });
});
