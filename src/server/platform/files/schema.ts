import { bigint, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "../../db/columns.js";

/** File metadata; the bytes live content-addressed (by sha256) under DATA_DIR/files. */
export const files = pgTable("files", {
  id: id(),
  sha256: text("sha256").notNull(),
  filename: text("filename").notNull(),
  contentType: text("content_type").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  uploadedBy: uuid("uploaded_by"),
  createdAt: createdAt(),
});
