// Preload for the conformance suite's CLI (`node --import <this file> .../conformance/dist/index.js`).
// The CLI imports `globSync` from `fs` by name; Node 20 has no `fs.globSync` (it arrived in
// Node 22), so the import fails before anything runs. Assigning `fs.globSync` from a --require
// preload does not help: the named exports of a built-in module are fixed at startup. So this
// registers a resolve hook that points `fs` (for importers other than the shim itself) at a
// module re-exporting all of `node:fs` plus a small `globSync`. On a Node that has
// `fs.globSync`, nothing is registered.
import fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') {
  register('./globSyncHooks.mjs', import.meta.url);
}
