import path from 'node:path';
import * as api from '@org/proxy-client';
import { declaredExports } from '@org/test-utils';
import { describe, expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

// A change to these lists is a change to the public API of @org/proxy-client: make it on purpose,
// with a changeset.
describe('@org/proxy-client public surface', () => {
  it('exports exactly these runtime values', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "VERSION",
      ]
    `);
  });

  it('declares exactly these names, types included', () => {
    expect(declaredExports(packageDir)).toMatchInlineSnapshot(`
      [
        "VERSION",
      ]
    `);
  });
});
