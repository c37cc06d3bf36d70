// Process entry of the simulator (bin/latency-sim.cjs): vLLM's flags in, vLLM's logs out,
// serve until SIGINT/SIGTERM, exit 0. Startup failures exit 1, bad flags exit 2.
import { isLabError, oneLine } from "../errors";
import { parseSimArgs } from "./args";
import { SimStartupError } from "./boot";
import { startSimServer, type SimServer } from "./server";

export async function main(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseSimArgs>;
  try {
    options = parseSimArgs(argv);
  } catch (err) {
    process.stderr.write(`latency-sim: ${oneLine(err)}\n`);
    process.exitCode = isLabError(err) ? err.exitCode : 2;
    return;
  }
  // Like vLLM, the key may come from the environment instead of the command line.
  if (options.apiKey === null && process.env.VLLM_API_KEY) options.apiKey = process.env.VLLM_API_KEY;
  const log = (line: string, stream: "stdout" | "stderr"): void => void (stream === "stdout" ? process.stdout : process.stderr).write(line + "\n");
  let server: SimServer;
  try {
    server = await startSimServer(options, { log, pid: process.pid });
  } catch (err) {
    // vLLM's own lines are already out (SimStartupError); add our one-line cause last.
    process.stderr.write(`latency-sim: ${oneLine(err)}\n`);
    process.exitCode = err instanceof SimStartupError ? 1 : isLabError(err) ? err.exitCode : 1;
    return;
  }
  const stop = (): void => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    log(`(APIServer pid=${process.pid}) INFO:     Shutting down`, "stderr");
    void server.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
