// Typed access to execa 9 through the CommonJS shim (see execa-shim.cjs for why).
import type * as Execa from "execa";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadExeca: () => Promise<typeof Execa> = require("./execa-shim.cjs");

let loaded: Promise<typeof Execa> | null = null;

export function execaModule(): Promise<typeof Execa> {
  loaded ??= loadExeca();
  return loaded;
}
