// Every table, for drizzle's query builder and drizzle-kit's migration generator.
export * from "../modules/accounts/schema.js";
export * from "../modules/chat/schema.js";
export * from "../modules/desk/schema.js";
export * from "../modules/groups/schema.js";
export * from "../modules/pharmacy/schema.js";
export * from "../modules/projects/schema.js";
export * from "../modules/releases/schema.js";
export * from "../modules/sandbox/access/schema.js";
export * from "../modules/sandbox/clinical/schema.js";
export * from "../modules/sandbox/data/schema.js";
export * from "../modules/sandbox/operations/schema.js";
export * from "../platform/audit/schema.js";
export * from "../platform/events/schema.js";
export * from "../platform/files/schema.js";
export * from "../platform/mail/schema.js";
export * from "../platform/notifications/schema.js";
