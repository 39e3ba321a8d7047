import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Database } from "../../db/client.js";
import { BackupProblem, readAll } from "./archive.js";
import { migrationLevel } from "./migrations.js";

/**
 * The running server's door for `convene backup` on the embedded database: PGlite lives inside the
 * server's process, which holds DATA_DIR's lock, so the CLI cannot open the database itself and asks
 * the server for a copy instead. A Unix socket in DATA_DIR, readable by its owner only: whoever may
 * read DATA_DIR may copy the database anyway, so the file permission is the whole authorization.
 */
export const controlSocketPath = (dataDir: string) => path.join(dataDir, "control.sock");

const MIGRATION_LEVEL_HEADER = "x-convene-migration-level";

/** Serves copies of the embedded database on DATA_DIR's control socket; answers how to stop serving. */
export async function serveControlSocket(
  dataDir: string,
  database: Database,
): Promise<{ close: () => Promise<void> }> {
  const dumpDataDir = database.dumpDataDir;
  if (!dumpDataDir) throw new Error("only the embedded database is copied through the control socket");
  const socketPath = controlSocketPath(dataDir);
  // A socket left by a process that was killed: this process holds DATA_DIR's lock, so it is nobody's.
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || request.url !== "/backup/database") {
      response.writeHead(404).end();
      return;
    }
    void (async () => {
      try {
        const level = await migrationLevel(database.db);
        const dump = Buffer.from(await (await dumpDataDir()).arrayBuffer());
        response.writeHead(200, {
          "content-type": "application/gzip",
          "content-length": dump.length,
          [MIGRATION_LEVEL_HEADER]: String(level),
        });
        response.end(dump);
      } catch (error) {
        response.writeHead(500, { "content-type": "text/plain" }).end((error as Error).message);
      }
    })();
  });
  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, resolve);
    });
  } finally {
    process.umask(previousUmask);
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Asks the server holding DATA_DIR for a copy of its embedded database. */
export async function requestDatabaseDump(
  dataDir: string,
  owner: number,
): Promise<{ dump: Buffer; migrationLevel: number }> {
  const socketPath = controlSocketPath(dataDir);
  if (!fs.existsSync(socketPath))
    throw new BackupProblem(
      `Convene (pid ${owner}) holds the embedded database in ${dataDir} but offers no control socket (${socketPath}); stop it and run the backup again.`,
    );
  return new Promise((resolve, reject) => {
    const request = http.get({ socketPath, path: "/backup/database" }, (response) => {
      void readAll(response)
        .then((body) => {
          if (response.statusCode !== 200) {
            reject(
              new BackupProblem(`Convene (pid ${owner}) could not copy its database: ${body.toString()}`),
            );
            return;
          }
          resolve({ dump: body, migrationLevel: Number(response.headers[MIGRATION_LEVEL_HEADER]) });
        })
        .catch(reject);
    });
    request.on("error", (error) =>
      reject(
        new BackupProblem(
          `Convene (pid ${owner}) did not answer on ${socketPath}: ${(error as Error).message}`,
        ),
      ),
    );
  });
}
