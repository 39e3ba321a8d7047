/**
 * Build-time only (imported by vite.config.ts, never by the app): what makes Convene installable. It
 * writes the web app manifest, its icons (drawn here, so nothing outside the build makes them) and the
 * service worker at the site's root, where the server serves them revalidated rather than cached for a
 * year like the hashed assets.
 */
import fs from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import type { Plugin } from "vite";

/** The theme's primary colour (Mantine's indigo, shade 8) and the light page background. */
const THEME_COLOR = "#3b5bdb";
const BACKGROUND_COLOR = "#ffffff";

type Rgba = [number, number, number, number];

const rgba = (hex: string): Rgba => [
  Number.parseInt(hex.slice(1, 3), 16),
  Number.parseInt(hex.slice(3, 5), 16),
  Number.parseInt(hex.slice(5, 7), 16),
  255,
];

/**
 * The mark: an open ring (people gathered round, open to one more) with a dot in its opening, white
 * on the theme colour. Coordinates are 0..1 across the icon, `scale` shrinks the mark about the centre.
 */
function markCovers(x: number, y: number, scale: number): boolean {
  const dx = (x - 0.5) / scale;
  const dy = (y - 0.5) / scale;
  const distance = Math.hypot(dx, dy);
  const opening = Math.abs(Math.atan2(dy, dx)) < Math.PI / 5;
  const ring = distance <= 0.3 && distance >= 0.19 && !opening;
  const dot = Math.hypot(dx - 0.245, dy) <= 0.06;
  return ring || dot;
}

/** Inside a square with rounded corners (radius as a share of the side), or the full square for 0. */
function tileCovers(x: number, y: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

const SAMPLES = 4;

/** RGBA pixels of the icon, each the average of SAMPLES x SAMPLES points so edges are smooth. */
function drawIcon(size: number, maskable: boolean): Buffer {
  const background = rgba(THEME_COLOR);
  const foreground = rgba(BACKGROUND_COLOR);
  // A maskable icon fills the square (the platform cuts its own shape) and keeps the mark within the
  // central safe zone; the plain one is a rounded tile with transparent corners.
  const [radius, scale] = maskable ? [0, 0.72] : [0.22, 1];
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!tileCovers(x, y, radius)) continue;
          const colour = markCovers(x, y, scale) ? foreground : background;
          for (let channel = 0; channel < 4; channel++)
            sum[channel] = (sum[channel] ?? 0) + (colour[channel] ?? 0);
        }
      }
      const covered = (sum[3] ?? 0) / 255;
      const offset = (py * size + px) * 4;
      for (let channel = 0; channel < 3; channel++)
        pixels[offset + channel] = covered ? Math.round((sum[channel] ?? 0) / covered) : 0;
      pixels[offset + 3] = Math.round((sum[3] ?? 0) / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of RGBA pixels: 8-bit truecolour with alpha, every row unfiltered, deflated. */
export function encodePng(size: number, pixels: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type: RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib.deflateSync(rows, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

const icons = [
  { file: "icons/icon-192.png", size: 192, maskable: false },
  { file: "icons/icon-512.png", size: 512, maskable: false },
  { file: "icons/icon-maskable-512.png", size: 512, maskable: true },
];

export const manifest = {
  name: "Convene",
  short_name: "Convene",
  description: "Your community: chat, service desk, projects and groups.",
  start_url: "/",
  scope: "/",
  display: "standalone",
  theme_color: THEME_COLOR,
  background_color: BACKGROUND_COLOR,
  icons: icons.map((icon) => ({
    src: `/${icon.file}`,
    sizes: `${icon.size}x${icon.size}`,
    type: "image/png",
    purpose: icon.maskable ? "maskable" : "any",
  })),
};

const serviceWorkerSource = path.resolve(import.meta.dirname, "service-worker.js");

/** Emits manifest.webmanifest, the icons and sw.js (stamped with the build, so a deploy installs anew). */
export function pwa(): Plugin {
  return {
    name: "convene:pwa",
    apply: "build",
    async generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "manifest.webmanifest",
        source: `${JSON.stringify(manifest, null, 2)}\n`,
      });
      for (const icon of icons)
        this.emitFile({
          type: "asset",
          fileName: icon.file,
          source: encodePng(icon.size, drawIcon(icon.size, icon.maskable)),
        });
      const worker = await fs.readFile(serviceWorkerSource, "utf8");
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: worker.replace("__BUILD__", new Date().toISOString()),
      });
    },
  };
}
