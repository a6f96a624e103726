// Module customization hooks (registered by registerGlobSync.mjs): `fs` and `node:fs` resolve
// to fsWithGlobSync.mjs, except for the import of `node:fs` inside that module.
const shim = new URL('./fsWithGlobSync.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL !== shim) {
    return { url: shim, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
