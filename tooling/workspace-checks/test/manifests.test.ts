import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const published = ['transports', 'core', 'proxy-client', 'proxy'];
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

describe('published package manifests', () => {
  for (const dir of published) {
    describe(`@org/${dir}`, () => {
      const manifest = read(`packages/${dir}/package.json`);

      it('is an ESM package for Node 20+ without side effects', () => {
        expect(manifest.name).toBe(`@org/${dir}`);
        expect(manifest.private).toBeUndefined();
        expect(manifest.type).toBe('module');
        expect(manifest.sideEffects).toBe(false);
        expect(manifest.engines).toEqual({ node: '>=20' });
        expect(manifest.files).toContain('dist');
      });

      it('puts types before import in every export', () => {
        for (const [key, target] of Object.entries<Record<string, string> | string>(
          manifest.exports,
        )) {
          if (typeof target === 'string') continue;
          const conditions = Object.keys(target).filter((c) => c !== '@org/source');
          expect(conditions[0], `exports["${key}"]`).toBe('types');
          expect(conditions).toContain('import');
        }
        expect(manifest.exports['./package.json']).toBe('./package.json');
      });

      it('takes third-party versions from the catalog and siblings from the workspace', () => {
        for (const [dep, range] of Object.entries<string>({
          ...manifest.dependencies,
          ...manifest.devDependencies,
        })) {
          if (dep.startsWith('@org/')) expect(range, dep).toMatch(/^workspace:/);
          else expect(range, dep).toBe('catalog:');
        }
      });

      it('has a README', () => {
        expect(fs.existsSync(path.join(root, `packages/${dir}/README.md`))).toBe(true);
      });
    });
  }

  it('releases the four packages together and never the playground', () => {
    const config = read('.changeset/config.json');
    expect(config.fixed).toEqual([
      ['@org/core', '@org/proxy', '@org/proxy-client', '@org/transports'],
    ]);
    expect(config.ignore).toContain('@org/playground');
    expect(read('apps/playground/package.json').private).toBe(true);
  });
});
