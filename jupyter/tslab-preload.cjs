// Preloaded into the tslab kernel (see tslab-kernel.sh): type-checks notebook cells and the src/
// files they import with `strict: true`, as tsconfig.json does. tslab's fixed compiler options are
// not strict, and without strictNullChecks zod's inferred config types turn every field optional,
// so correct src/ code is rejected ("Property 'model' is optional … but required in 'ServerConfig'").
// TypeScript's exports are getter-only, so tslab gets a proxy of its TypeScript module instead.
"use strict";
const Module = require("node:module");

const TS = "@tslab/typescript-for-tslab";
const load = Module._load;
let proxy = null;

Module._load = function (request, ...rest) {
  const mod = load.call(this, request, ...rest);
  if (request !== TS) return mod;
  proxy ??= new Proxy(mod, {
    get(target, key, receiver) {
      if (key !== "createWatchCompilerHost") return Reflect.get(target, key, receiver);
      return (rootFiles, options, ...more) => target.createWatchCompilerHost(rootFiles, { ...options, strict: true }, ...more);
    },
  });
  return proxy;
};
