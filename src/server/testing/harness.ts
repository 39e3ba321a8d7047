import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { type App, buildApp } from "../app.js";
import { type Config, loadConfig } from "../config.js";
import { type Database, openDatabase } from "../db/client.js";
import { DEMO_PASSWORD, type DemoCommunity, seedDemoCommunity } from "../demo/seed.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../platform/auth/http.js";
import type { Ctx } from "../platform/context.js";

export const TEST_ORIGIN = "http://localhost:3000";

/**
 * A new PostgreSQL database named after TEST_DATABASE_URL's (created here, dropped by `drop`), so one
 * run's databases share a prefix that CI can sweep; null when the tests run on PGlite.
 */
export async function newPostgresTestDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return null;
  const runDatabase = new URL(serverUrl).pathname.slice(1) || "convene";
  const name = `${runDatabase}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error(`TEST_DATABASE_URL's database name must be [a-z0-9_]: ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A fresh database per test file: in-memory PGlite by default, or a new PostgreSQL database. */
async function freshDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const postgres = await newPostgresTestDatabase();
  if (!postgres) {
    const database = await openDatabase({ dataDir: "memory://" });
    return { database, drop: async () => {} };
  }
  const database = await openDatabase({ databaseUrl: postgres.url, dataDir: "unused" });
  return { database, drop: postgres.drop };
}

export type Client = {
  email: string | null;
  cookie: string | null;
  get: (url: string) => Promise<LightMyRequestResponse>;
  post: (url: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
  patch: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  put: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  delete: (url: string, body?: unknown) => Promise<LightMyRequestResponse>;
  upload: (
    url: string,
    file: { filename: string; contentType: string; data: Buffer },
    /** Text fields of the form, sent before the file. */
    fields?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
};

export type TestCommunity = {
  app: App;
  db: Database["db"];
  config: Config;
  demo: DemoCommunity;
  /** A service context acting as nobody, for calling services directly. */
  ctx: Ctx;
  anonymous: () => Client;
  signIn: (email: string, password?: string) => Promise<Client>;
  /** Starts listening on a free port (for WebSocket tests) and returns its base URL. */
  listen: () => Promise<string>;
  close: () => Promise<void>;
};

function sessionCookieFrom(response: LightMyRequestResponse): string | null {
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  return cookie ? `${SESSION_COOKIE}=${cookie.value}` : null;
}

/** Starts Convene on a fresh database seeded with the demo community, driven through HTTP (inject). */
export async function startTestCommunity(overrides: Partial<Config> = {}): Promise<TestCommunity> {
  const { database, drop } = await freshDatabase();
  await database.migrate();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-test-"));
  const config = loadConfig({}, { dataDir, publicUrl: TEST_ORIGIN, logLevel: "silent", ...overrides });
  const ctx: Ctx = { db: database.db, config, actor: null, ip: null };
  const demo = await seedDemoCommunity(ctx);
  const app = await buildApp({ database, config });
  await app.ready();

  const client = (cookie: string | null, email: string | null): Client => {
    const headers = (extra: Record<string, string> = {}) => ({
      ...(cookie ? { cookie } : {}),
      [CSRF_HEADER]: "1",
      origin: config.publicUrl,
      ...extra,
    });
    return {
      email,
      cookie,
      get: (url) => app.inject({ method: "GET", url, headers: cookie ? { cookie } : {} }),
      post: (url, body, extra) =>
        app.inject({
          method: "POST",
          url,
          headers: headers(extra),
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      patch: (url, body) => app.inject({ method: "PATCH", url, headers: headers(), payload: body as object }),
      put: (url, body) => app.inject({ method: "PUT", url, headers: headers(), payload: body as object }),
      delete: (url, body) =>
        app.inject({
          method: "DELETE",
          url,
          headers: headers(),
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      upload: (url, file, fields = {}) => {
        const boundary = `----convene${Math.random().toString(16).slice(2)}`;
        const payload = Buffer.concat([
          ...Object.entries(fields).map(([name, value]) =>
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
            ),
          ),
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
          ),
          file.data,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        return app.inject({
          method: "POST",
          url,
          headers: headers({ "content-type": `multipart/form-data; boundary=${boundary}` }),
          payload,
        });
      },
    };
  };

  return {
    app,
    db: database.db,
    config,
    demo,
    ctx,
    anonymous: () => client(null, null),
    async signIn(email, password = DEMO_PASSWORD) {
      const response = await client(null, null).post("/api/auth/login", { email, password });
      if (response.statusCode !== 200)
        throw new Error(`sign-in of ${email} failed: ${response.statusCode} ${response.body}`);
      return client(sessionCookieFrom(response), email);
    },
    async listen() {
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      return address;
    },
    async close() {
      await app.close();
      await database.close();
      await drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { sessionCookieFrom };
