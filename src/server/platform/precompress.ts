import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text formats worth compressing; images and fonts in the bundle are compressed already. */
const compressible = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Writes `name.br` (brotli at its best, slow but done once per build) and `name.gz` beside every text
 * file under `dir`, so the server sends each asset compressed without compressing it per request.
 * A variant no smaller than the original is not written; the server then sends the original.
 */
export async function precompressDirectory(dir: string): Promise<void> {
  const files = (await filesUnder(dir)).filter((file) => compressible.test(file));
  await Promise.all(
    files.map(async (file) => {
      const content = await fs.readFile(file);
      const variants: [string, Buffer][] = [
        [
          ".br",
          await brotli(content, {
            params: {
              [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
              [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
              [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
        ],
        [".gz", await gzip(content, { level: zlib.constants.Z_BEST_COMPRESSION })],
      ];
      for (const [extension, compressed] of variants) {
        if (compressed.length < content.length) await fs.writeFile(file + extension, compressed);
      }
    }),
  );
}
