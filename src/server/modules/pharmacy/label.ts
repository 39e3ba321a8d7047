import { eq } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { openPharmacy } from "./policy.js";
import { pharmacyContainers, pharmacyLots, pharmacyProducts } from "./schema.js";

export const LABEL_CAUTION = "For clinical trial use only — sandbox, not for human use";

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

/** The label's size in millimetres: a common 4 x 2 inch thermal label. */
const WIDTH_MM = 101.6;
const HEIGHT_MM = 50.8;

export type LabelContent = {
  barcode: string;
  productName: string;
  strength: string;
  form: string;
  lotNumber: string;
  expiry: string;
  quantity: number;
  units: string;
  storageNotes: string;
};

/**
 * A printable container label as SVG, sized in millimetres: product, strength, lot, expiry, contents,
 * storage, a Code 128 barcode of the container's barcode value (bars drawn by bwip-js; the value under
 * them as text, so it can be read and searched) and the sandbox caution.
 */
export async function renderLabel(content: LabelContent): Promise<string> {
  // Loaded by the first label printed: the barcode writer is large and labels are few.
  const { toSVG } = await import("bwip-js");
  const barcode = toSVG({
    bcid: "code128",
    text: content.barcode,
    height: 10,
  });
  // bwip-js draws in its own units; the nested <svg> places and scales its drawing on the label.
  const placedBarcode = barcode.replace(
    "<svg ",
    '<svg x="4" y="24" width="64" height="14" preserveAspectRatio="none" ',
  );
  const line = (y: number, text: string, size = 3.2, weight = "normal") =>
    `<text x="4" y="${y}" font-size="${size}" font-weight="${weight}">${escapeXml(text)}</text>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_MM}mm" height="${HEIGHT_MM}mm" viewBox="0 0 ${WIDTH_MM} ${HEIGHT_MM}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(`Label of container ${content.barcode}`)}</title>`,
    `<rect x="0.5" y="0.5" width="${WIDTH_MM - 1}" height="${HEIGHT_MM - 1}" fill="#ffffff" stroke="#000000" stroke-width="0.3"/>`,
    line(7, content.productName, 4.2, "bold"),
    line(12, `${content.strength} ${content.form} — ${content.quantity} ${content.units}`),
    line(17, `Lot ${content.lotNumber}    Expiry ${content.expiry}`),
    ...(content.storageNotes ? [line(22, `Storage: ${content.storageNotes}`, 2.6)] : []),
    placedBarcode.trim(),
    `<text x="36" y="42" font-size="3.2" font-family="monospace" text-anchor="middle">${escapeXml(content.barcode)}</text>`,
    line(47, LABEL_CAUTION, 2.8, "bold"),
    "</svg>",
    "",
  ].join("\n");
}

/** The label of one container, for any pharmacy reader to print. */
export async function containerLabel(ctx: ActorCtx, id: string): Promise<string> {
  await openPharmacy(ctx);
  const [row] = await ctx.db
    .select({ container: pharmacyContainers, lot: pharmacyLots, product: pharmacyProducts })
    .from(pharmacyContainers)
    .innerJoin(pharmacyLots, eq(pharmacyLots.id, pharmacyContainers.lotId))
    .innerJoin(pharmacyProducts, eq(pharmacyProducts.id, pharmacyLots.productId))
    .where(eq(pharmacyContainers.id, id));
  if (!row) throw notFound("The container");
  return renderLabel({
    barcode: row.container.barcode,
    productName: row.product.name,
    strength: row.product.strength,
    form: row.product.form,
    lotNumber: row.lot.lotNumber,
    expiry: row.lot.expiry,
    quantity: row.container.quantity,
    units: row.product.units,
    storageNotes: row.product.storageNotes,
  });
}
