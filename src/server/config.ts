import path from "node:path";
import { z } from "zod";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((value) => value === "1" || value === "true" || value === "yes");

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.url().optional(),
  PUBLIC_URL: z.url().optional(),
  SMTP_URL: z.url().optional(),
  MAIL_DOMAIN: z.string().default("convene.localhost"),
  MAIL_FROM: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 12),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 14),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(25),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().positive().default(15),
  SIGN_IN_ATTEMPTS_PER_IP: z.coerce.number().int().positive().default(30),
  TRUST_PROXY: flag,
  CHAT_MEMBERS_CREATE_CHANNELS: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((value) => value === "true" || value === "1"),
  CHAT_POSTS_PER_SECOND: z.coerce.number().positive().default(10),
  CHAT_POST_BURST: z.coerce.number().int().positive().default(30),
  EVENT_RETENTION_DAYS: z.coerce.number().positive().default(7),
  SANDBOX_PSEUDONYM_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  GROUP_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GROUP_SMTP_HOST: z.string().default("0.0.0.0"),
  GROUP_MAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  GROUP_MAIL_PER_MINUTE: z.coerce.number().positive().default(30),
  GROUP_MAIL_BURST: z.coerce.number().int().positive().default(10),
  GROUP_DIGEST_HOUR: z.coerce
    .number()
    .int()
    .min(0, "An hour from 0 to 23.")
    .max(23, "An hour from 0 to 23.")
    .default(7),
  GROUP_MAIL_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  AUDIT_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  IDENTITY_PROVIDER_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "A P-256 private key: 32 bytes in base64url (43 characters).")
    .optional(),
  AUDIT_CHECKPOINT_URL: z
    .url({ protocol: /^https?$/, error: "Enter an http:// or https:// address." })
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = {
  /** Started as the demo (`convene start --demo`): modules may turn on what a demo shows, such as group mail. */
  demo?: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailDomain: string;
  mailFrom: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  maxUploadBytes: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Sign-in attempts one address may make in five minutes (password guessing across accounts). */
  signInAttemptsPerIp: number;
  trustProxy: boolean;
  membersCreateChannels: boolean;
  chatPostsPerSecond: number;
  chatPostBurst: number;
  eventRetentionDays: number;
  logLevel: string;
  secureCookies: boolean;
  /** Keys the sandbox import's pseudonyms; when unset, one is generated and kept in DATA_DIR. */
  sandboxPseudonymSecret: string | undefined;
  /** Port of the group mail (SMTP) listener; undefined keeps it off (demo mode turns it on at 2525). */
  groupSmtpPort: number | undefined;
  groupSmtpHost: string;
  /** Largest group mail accepted over SMTP, announced with the SIZE extension. */
  groupMailMaxBytes: number;
  /** Inbound group mail one sender may send: a steady rate a minute, and a burst. */
  groupMailPerMinute: number;
  groupMailBurst: number;
  /** UTC hour at which the daily group digests go out. */
  groupDigestHour: number;
  /** Signs one-click unsubscribe links; when unset, one is generated and kept in DATA_DIR. */
  groupMailSecret: string | undefined;
  /** Keys the audit chain's hashes; when unset, one is generated and kept in DATA_DIR. */
  auditSecret: string | undefined;
  /** Seals organisations' identity-provider client secrets; when unset, one is generated and kept in DATA_DIR. */
  identityProviderSecret: string | undefined;
  /** Signs browser pushes (VAPID); when unset, one is generated and kept in DATA_DIR. */
  vapidPrivateKey: string | undefined;
  /** Where each signed audit checkpoint is also POSTed, so a copy lives outside this server. */
  auditCheckpointUrl: string | undefined;
};

/** Reads the environment once, refusing to start with a clear message naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable (`DATABASE_URL= npm start`) means "not set", as in most shells' idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const publicUrl = (overrides.publicUrl ?? e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
  const mailDomain = overrides.mailDomain ?? e.MAIL_DOMAIN;
  return {
    port,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl,
    smtpUrl: e.SMTP_URL,
    mailDomain,
    mailFrom: e.MAIL_FROM ?? `Convene <no-reply@${mailDomain}>`,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    signInAttemptsPerIp: e.SIGN_IN_ATTEMPTS_PER_IP,
    trustProxy: e.TRUST_PROXY,
    membersCreateChannels: e.CHAT_MEMBERS_CREATE_CHANNELS,
    chatPostsPerSecond: e.CHAT_POSTS_PER_SECOND,
    chatPostBurst: e.CHAT_POST_BURST,
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    secureCookies: publicUrl.startsWith("https://"),
    sandboxPseudonymSecret: e.SANDBOX_PSEUDONYM_SECRET,
    groupSmtpPort: e.GROUP_SMTP_PORT,
    groupSmtpHost: e.GROUP_SMTP_HOST,
    groupMailMaxBytes: e.GROUP_MAIL_MAX_BYTES,
    groupMailPerMinute: e.GROUP_MAIL_PER_MINUTE,
    groupMailBurst: e.GROUP_MAIL_BURST,
    groupDigestHour: e.GROUP_DIGEST_HOUR,
    groupMailSecret: e.GROUP_MAIL_SECRET,
    auditSecret: e.AUDIT_SECRET,
    identityProviderSecret: e.IDENTITY_PROVIDER_SECRET,
    vapidPrivateKey: e.VAPID_PRIVATE_KEY,
    auditCheckpointUrl: e.AUDIT_CHECKPOINT_URL,
    ...overrides,
  };
}
