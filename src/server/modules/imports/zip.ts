/**
 * Reading an export zip without holding it: the central directory is read once (names and sizes),
 * and each entry is streamed from the file when asked for, so a 1,000,000-message workspace costs the
 * memory of one day file at a time.
 */

import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { invalid } from "../../platform/errors.js";

export type ZipEntryInfo = { name: string; size: number };

export type ZipExport = {
  /** Every file entry (folders left out), in the archive's order. */
  entries: ZipEntryInfo[];
  has(name: string): boolean;
  stream(name: string): Promise<Readable>;
  read(name: string): Promise<Buffer>;
  /** Parses an entry as JSON; a broken one is the export's fault, said naming the entry. */
  json<T>(name: string): Promise<T>;
  close(): void;
};

/** Opens a zip export; a file that is not a zip is refused as the `file` field. */
export async function openZip(filePath: string, what: string): Promise<ZipExport> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(filePath, { lazyEntries: true, autoClose: false }, (error, file) =>
      error || !file ? reject(invalid({ file: `This is not a ${what} (a zip file).` })) : resolve(file),
    ),
  );
  const byName = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) byName.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", () => reject(invalid({ file: `This ${what} zip is damaged.` })));
    zip.readEntry();
  });
  const entryNamed = (name: string) => {
    const entry = byName.get(name);
    if (!entry) throw invalid({ file: `The ${what} has no ${name}.` });
    return entry;
  };
  const stream = (name: string) =>
    new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entryNamed(name), (error, readable) =>
        error || !readable
          ? reject(invalid({ file: `${name} in the ${what} cannot be read.` }))
          : resolve(readable),
      ),
    );
  const read = async (name: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    entries: [...byName.values()].map((entry) => ({ name: entry.fileName, size: entry.uncompressedSize })),
    has: (name) => byName.has(name),
    stream,
    read,
    json: async <T>(name: string) => {
      const text = (await read(name)).toString("utf8");
      try {
        return JSON.parse(text) as T;
      } catch {
        throw invalid({ file: `${name} in the ${what} is not valid JSON.` });
      }
    },
    close: () => zip.close(),
  };
}
