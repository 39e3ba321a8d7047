/**
 * A heavy dependency loaded at its first use rather than when the server starts, so a process holds
 * only what its configuration and its requests need: `const loadQrCode = loadOnce(() => import("qrcode"))`.
 * The promise is kept: later calls cost one resolved await, not another trip through the module loader.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      // A failed load is tried again on the next call rather than remembered.
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
