#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `convene` works from a checkout with no build step.
import { register } from "tsx/esm/api";

// React renders pages on the server (src/web/entry-server.tsx): its production build, several times faster
// than the development one, unless the environment asks otherwise.
process.env.NODE_ENV ??= "production";
register();
await import("../src/server/main.ts");
