import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * A secret of this installation kept in DATA_DIR (mode 600), made at random on first use, for keys
 * that may be left unconfigured: the same value after every restart, so what it signed or keyed
 * before (pseudonyms, unsubscribe links) stays valid. Nodes sharing a database must share DATA_DIR or
 * configure the secret.
 */
export async function dataDirSecret(
  dataDir: string,
  fileName: string,
  /** Makes the value on first use: 32 random bytes in base64url unless the secret has a shape of its own. */
  make: () => string = () => randomBytes(32).toString("base64url"),
): Promise<string> {
  const file = path.join(dataDir, fileName);
  const existing = await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (existing?.trim()) return existing.trim();
  await fs.mkdir(dataDir, { recursive: true });
  const secret = make();
  try {
    // "wx": when two processes create it at once, the second reads the first one's secret.
    await fs.writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await fs.readFile(file, "utf8")).trim();
  }
}
