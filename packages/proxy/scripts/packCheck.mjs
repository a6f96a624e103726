#!/usr/bin/env node
// Shows that @org/proxy is the one package a user installs: packs the four published packages
// (pnpm pack rewrites `workspace:^` and `catalog:` to real versions), installs @org/proxy with
// npm into an empty folder outside the workspace (the other @org packages resolve to their
// tarballs through `overrides`), then runs a script importing only '@org/proxy' (zod and the
// SDK client come through its re-exports) and the `org-mcp-proxy` bin.
// Needs the packages built (`pnpm run build`) and the npm registry. Exits non-zero on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['transports', 'core', 'proxy-client', 'proxy'];
const TIMEOUT_MS = 150_000;

const log = (message) => process.stdout.write(`[pack-check] ${message}\n`);

/** npm gets the user's own settings, not the ones pnpm passes to the scripts it runs. */
function npmEnv() {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key) || keep.has(key)),
  );
}

function run(command, args, cwd, env = process.env) {
  try {
    const stdio = ['ignore', 'pipe', 'pipe'];
    return execFileSync(command, args, { cwd, env, stdio, encoding: 'utf8', timeout: TIMEOUT_MS });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed in ${cwd}\n${output || error.message}`,
    );
  }
}

function packAll(destination) {
  const tarballs = {};
  for (const dir of PACKAGES) {
    const cwd = path.join(PACKAGES_DIR, dir);
    if (!existsSync(path.join(cwd, 'dist', 'index.js'))) {
      throw new Error(`${cwd}/dist is missing: run \`pnpm run build\` at the repository root`);
    }
    const packed = JSON.parse(
      run('pnpm', ['pack', '--json', '--pack-destination', destination], cwd),
    );
    tarballs[packed.name] = packed.filename;
    log(`packed ${packed.name}@${packed.version}: ${path.basename(packed.filename)}`);
  }
  return tarballs;
}

/** Reads a packed package.json (the ranges of `catalog:` dependencies are resolved there). */
function packedManifest(tarball, scratch) {
  run('tar', ['-xzf', tarball, '-C', scratch, 'package/package.json'], scratch);
  return JSON.parse(readFileSync(path.join(scratch, 'package', 'package.json'), 'utf8'));
}

const CHECK_SCRIPT = `
import {
  Client,
  createProxy,
  defineTool,
  ProviderServer,
  serveHttp,
  StreamableHTTPClientTransport,
  z,
} from '@org/proxy';

const local = new ProviderServer({ name: 'local' });
local.add(defineTool({
  name: 'greet',
  description: 'Greets someone',
  input: z.object({ name: z.string() }),
  handler: ({ name }) => \`Hello, \${name}!\`,
}));
const proxy = createProxy({ server: local });
const http = await serveHttp(proxy, { port: 0 });
const client = new Client({ name: 'pack-check', version: '1.0.0' });
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: 'greet', arguments: { name: 'npm' } });
  const text = result.content[0]?.text;
  if (text !== 'Hello, npm!') throw new Error('Unexpected result: ' + JSON.stringify(result));
  process.stdout.write(\`proxied at \${http.url}: tools [\${tools.map((t) => t.name)}], greet -> \${text}\\n\`);
} finally {
  await client.close();
  await http.close();
  await proxy.close();
}
`;

function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'org-proxy-pack-'));
  const user = mkdtempSync(path.join(tmpdir(), 'org-proxy-user-'));
  try {
    const tarballs = packAll(work);
    const manifest = packedManifest(tarballs['@org/proxy'], work);
    const leaked = Object.entries(manifest.dependencies).filter(([, v]) =>
      /^(workspace|catalog):/.test(v),
    );
    if (leaked.length > 0)
      throw new Error(`Unresolved dependency specs: ${JSON.stringify(leaked)}`);
    const others = Object.entries(tarballs).filter(([name]) => name !== '@org/proxy');
    writeFileSync(
      path.join(user, 'package.json'),
      JSON.stringify(
        {
          name: 'pack-check-user',
          private: true,
          type: 'module',
          dependencies: {
            '@org/proxy': `file:${tarballs['@org/proxy']}`,
          },
          overrides: Object.fromEntries(others.map(([name, file]) => [name, `file:${file}`])),
        },
        null,
        2,
      ),
    );
    log(`installing @org/proxy alone into ${user} (npm; its dependencies from the registry)`);
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], user, npmEnv());
    const lock = JSON.parse(readFileSync(path.join(user, 'package-lock.json'), 'utf8'));
    for (const name of Object.keys(tarballs)) {
      const resolved = lock.packages[`node_modules/${name}`]?.resolved ?? 'nothing';
      if (!resolved.startsWith('file:')) throw new Error(`${name} resolved to ${resolved}`);
    }
    log(
      'installed: @org/proxy, with @org/core, @org/proxy-client and @org/transports from the tarballs',
    );
    writeFileSync(path.join(user, 'check.mjs'), CHECK_SCRIPT);
    log(`imported only '@org/proxy': ${run(process.execPath, ['check.mjs'], user).trim()}`);
    const bin = (arg) => run('npx', ['--no', '--', 'org-mcp-proxy', arg], user, npmEnv());
    const help = bin('--help');
    if (!help.includes('org-mcp-proxy [options] -- <command>')) {
      throw new Error(`Unexpected --help output:\n${help}`);
    }
    log(`npx org-mcp-proxy --help: ${help.split('\n')[1]?.trim()}`);
    const version = bin('--version').trim();
    if (version !== manifest.version)
      throw new Error(`--version printed ${version}, not ${manifest.version}`);
    log(`npx org-mcp-proxy --version: ${version}`);
    log('OK: installing @org/proxy alone is enough');
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(user, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`[pack-check] FAILED: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
