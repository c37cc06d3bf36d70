// execa 9 is ESM-only. tsx's CommonJS hook and tslab both turn `import` into `require`, which
// cannot resolve some of execa's dependencies (exports with only an "import" condition), so
// this file keeps a real dynamic import() that no TypeScript transpiler rewrites.
"use strict";
module.exports = function loadExeca() {
  return import("execa");
};
