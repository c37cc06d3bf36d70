#!/bin/sh
# Starts the tslab kernel from the project root, so notebooks can `import … from "./src/index"`
# (tslab resolves local .ts imports against the kernel's working directory; kernel.json has no cwd).
# Uses the project's own node_modules/tslab: nothing is installed globally or in the user's home.
# tsx's require hook is preloaded as a fallback: tslab's in-memory resolver does not map a folder
# import (`../tokenize`) to its index.ts, so such a require falls through to Node, which tsx handles.
# tslab-preload.cjs makes tslab type-check with strict: true, as tsconfig.json does.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
exec node --require "$root/node_modules/tsx/dist/cjs/index.cjs" --require "$root/jupyter/tslab-preload.cjs" "$root/node_modules/tslab/bin/tslab" kernel "$@"
