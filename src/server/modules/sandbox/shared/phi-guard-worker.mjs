// The PHI guard's worker thread starts here: a worker does not inherit the TypeScript loader that the
// CLI, the server and the tests register in the main thread, so it registers its own first.
import { register } from "tsx/esm/api";

register();
await import("./phi-guard-worker.ts");
