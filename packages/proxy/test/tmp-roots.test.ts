import { createProxy, serveHttp, createConsoleLogger } from '@org/proxy';
import { it } from 'vitest';
import { answerLikeAUser, everythingTarget } from './fixtures/everything';
import { FULL_FRONT, frontHttp } from './fixtures/fronts';
it('roots', async () => {
  const proxy = createProxy(everythingTarget(), { logger: createConsoleLogger('debug') });
  const http = await serveHttp(proxy, { port: 0 });
  const t0 = Date.now();
  const f = await frontHttp(http.url, { capabilities: FULL_FRONT });
  const asked = answerLikeAUser(f.client);
  f.client.fallbackNotificationHandler = async (n) => console.log('NOTIF', Date.now() - t0, JSON.stringify(n).slice(0, 150));
  console.log('connected', Date.now() - t0);
  await new Promise((r) => setTimeout(r, 1000));
  console.log('asked', asked.map((a) => a.method), Date.now() - t0);
  await f.close(); await http.close(); await proxy.close();
}, 20000);
