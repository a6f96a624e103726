import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildChildEnvironment,
  createClientTransport,
  DEFAULT_INHERITED_ENV,
} from '../../src/client/index';
import { callJson, type EnvReport, envServerTarget, newClient } from '../fixtures/clientHelpers';
import { expectNoChildLeftAfterEach } from '../fixtures/noChildLeft';

expectNoChildLeftAfterEach();

const SECRET = 'SECRET_TOKEN_FOR_TEST';

describe('stdio child environment', () => {
  beforeEach(() => {
    process.env[SECRET] = 'do-not-leak';
  });
  afterEach(() => {
    delete process.env[SECRET];
  });

  async function reportFor(extra: Parameters<typeof envServerTarget>[0]): Promise<EnvReport> {
    const client = newClient();
    try {
      await client.connect(
        await createClientTransport(envServerTarget({ stderr: 'ignore', ...extra })),
      );
      return await callJson<EnvReport>(client, 'env', { names: ['PATH', 'FROM_TARGET', SECRET] });
    } finally {
      await client.close();
    }
  }

  it('passes the safe defaults and the target env, but not the parent secrets', async () => {
    const report = await reportFor({ env: { FROM_TARGET: 'target-value' } });
    const expectedDefaults = DEFAULT_INHERITED_ENV.filter(
      (name) => process.env[name] !== undefined,
    );
    expect(expectedDefaults).toContain('PATH');
    expect(report.keys).toEqual(expect.arrayContaining([...expectedDefaults, 'FROM_TARGET']));
    expect(report.values.PATH).toBe(process.env.PATH);
    expect(report.values.FROM_TARGET).toBe('target-value');
    expect(report.keys).not.toContain(SECRET);
    expect(report.values[SECRET]).toBeNull();
    // Nothing beyond the defaults and the target's env (Node may add a few of its own).
    const unexpected = report.keys.filter(
      (key) => !expectedDefaults.includes(key) && key !== 'FROM_TARGET' && !key.startsWith('NODE'),
    );
    expect(unexpected).toEqual([]);
  });

  it('passes a parent variable named in inheritEnv, and env wins over it', async () => {
    const report = await reportFor({ inheritEnv: [SECRET], env: { FROM_TARGET: 'x' } });
    expect(report.values[SECRET]).toBe('do-not-leak');

    const env = buildChildEnvironment(
      { inheritEnv: ['A', 'MISSING'], env: { A: 'from-target' } },
      { A: 'from-parent', PATH: '/bin', HOME: '() { evil; }' },
    );
    expect(env).toEqual({ PATH: '/bin', A: 'from-target' });
  });
});
