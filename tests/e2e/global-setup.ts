import type { TestProject } from "vitest/node";
import { startDemoServer } from "./demo-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** One demo server (built web app, fresh embedded database) for the whole browser run. */
export default async function setup(project: TestProject) {
  const server = await startDemoServer(Number(process.env.E2E_PORT ?? 3917));
  project.provide("baseUrl", server.baseUrl);
  return server.stop;
}
