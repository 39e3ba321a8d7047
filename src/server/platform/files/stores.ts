import type { Config } from "../../config.js";
import type { FileStore } from "./file-store.js";
import { LocalFileStore } from "./local-store.js";
import { S3FileStore } from "./s3-store.js";

/** A key per setting, so every request and service of one process shares one store and S3 client. */
const stores = new Map<string, FileStore>();

/** The file store the configuration names (FILE_STORE), made once per process and setting. */
export function fileStoreFor(config: Pick<Config, "dataDir" | "fileStore">): FileStore {
  const settings = config.fileStore;
  const key = settings.kind === "local" ? `local:${config.dataDir}` : JSON.stringify(settings);
  let store = stores.get(key);
  if (!store) {
    store = settings.kind === "local" ? new LocalFileStore(config.dataDir) : new S3FileStore(settings);
    stores.set(key, store);
  }
  return store;
}

/**
 * A readiness check: resolves when the store can be reached (and, on disk, written), and throws
 * with a message saying which store and why not.
 */
export async function checkFileStore(store: FileStore): Promise<void> {
  try {
    await store.check();
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    throw new Error(`The file store (${store.description}) is unreachable: ${reason}`);
  }
}
