// A TCP port free on 127.0.0.1 at the time of asking, for a service whose origin must be known before it starts.
import { createServer } from "node:net";

/** A port that was free a moment ago (the operating system chose it); another process could take it in between. */
export function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
