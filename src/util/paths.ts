// Where the project lives on disk. Works under tsx (CommonJS, __dirname set), under tslab
// (kernel started from the project root) and from the CLI in any working directory.
import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "llm-latency-lab";

function findRootFrom(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === PACKAGE_NAME) return dir;
      } catch {
        // not our package.json; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

let cachedRoot: string | null = null;

/** The project's root directory (the folder holding our package.json). */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  const here = typeof __dirname === "string" ? __dirname : process.cwd();
  cachedRoot = findRootFrom(here) ?? findRootFrom(process.cwd()) ?? process.cwd();
  return cachedRoot;
}

/** A path under the project root. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}

/** The tool's own version, from package.json. */
export function toolVersion(): string {
  return JSON.parse(fs.readFileSync(projectPath("package.json"), "utf8")).version as string;
}
