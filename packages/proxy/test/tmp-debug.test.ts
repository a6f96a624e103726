import { createProxy, serveHttp } from '@org/proxy';
import { childPids } from '@org/test-utils';
import { execFileSync } from 'node:child_process';
import { it } from 'vitest';
import { directEverything, everythingTarget, answerRoots } from './fixtures/everything';
import { FULL_FRONT, frontHttp, frontInMemory } from './fixtures/fronts';

const show = (label: string) => {
  const pids = childPids();
  console.log(label, pids.map((p) => { try { return execFileSync('ps', ['-o', 'pid=,stat=,args=', '-p', String(p)], {encoding: 'utf8'}).trim().slice(0, 120); } catch { return p; } }));
};
it('debug', async () => {
  const proxy = createProxy(everythingTarget());
  const http = await serveHttp(proxy, { port: 0 });
  const front = await frontInMemory(proxy);
  const httpFront = await frontHttp(http.url, { capabilities: FULL_FRONT });
  answerRoots(httpFront.client);
  const direct = await directEverything();
  show('start');
  await direct.close(); show('after direct close');
  await front.close(); show('after front close');
  await httpFront.close(); show('after http front close');
  await http.close(); show('after http close');
  await proxy.close(); show('after proxy close');
  await new Promise((r) => setTimeout(r, 3000));
  show('3s later');
}, 30000);
