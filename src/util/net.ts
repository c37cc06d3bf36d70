// Network helpers shared by the launcher, the simulator, tests and benchmarks.
import * as net from "node:net";

/** A port that was free a moment ago on `host` (the OS picks it; another process may still take it). */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}
