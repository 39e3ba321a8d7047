import net from "node:net";

/**
 * A port nothing listens on. TEST_PORTS ("36000-36099") keeps a run inside the ports it was given on a
 * shared machine; without it the operating system picks one.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORTS ?? "");
  if (!range) return listenOnce(0);
  const from = Number(range[1]);
  const to = Number(range[2]);
  // Start somewhere random so test files running side by side rarely race for the same port.
  const offset = Math.floor(Math.random() * (to - from + 1));
  for (let i = 0; i <= to - from; i++) {
    const port = from + ((offset + i) % (to - from + 1));
    const free = await listenOnce(port).catch(() => null);
    if (free) return free;
  }
  throw new Error(`No free port in TEST_PORTS=${process.env.TEST_PORTS}.`);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
