import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackage, importsOf, workspacePackageDirs } from '../src/importGraph';

const root = path.resolve(import.meta.dirname, '../../..');

describe('import direction: transports <- core <- proxy-client <- proxy', () => {
  it('holds for every workspace package, in manifests and in code', () => {
    const dirs = workspacePackageDirs(root);
    expect(dirs.length).toBeGreaterThanOrEqual(5);
    const violations = dirs.flatMap((dir) => checkPackage(dir));
    expect(violations).toEqual([]);
  });

  it('catches an upward import (core importing proxy)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-direction-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@org/core' }));
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(
        path.join(dir, 'src', 'bad.ts'),
        "import { createProxy } from '@org/proxy';\n",
      );
      expect(checkPackage(dir)).toEqual([
        { from: '@org/core', to: '@org/proxy', where: path.join('src', 'bad.ts') },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('catches an upward dependency declared in a manifest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-direction-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: '@org/transports', dependencies: { '@org/core': 'workspace:^' } }),
      );
      expect(checkPackage(dir)).toEqual([
        { from: '@org/transports', to: '@org/core', where: 'package.json' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads static, dynamic, type-only and subpath imports', () => {
    const source = [
      "import type { A } from '@org/core';",
      "export { b } from '@org/proxy/cli';",
      "const c = await import('@org/transports');",
      "import '@org/proxy-client';",
      "import x from 'zod';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual([
      '@org/core',
      '@org/proxy',
      '@org/proxy-client',
      '@org/transports',
    ]);
  });
});
