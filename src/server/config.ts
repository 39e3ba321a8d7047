import path from "node:path";
import { z } from "zod";

/**
 * TRUST_PROXY as Fastify's trustProxy takes it: true/false (yes/no, 1/0), or comma-separated addresses and
 * CIDR ranges of the proxies (and proxy-addr's names loopback, linklocal, uniquelocal). Not a hop
 * count: Fastify 5 trusts no proxy for a number, since a count cannot tell a proxy from a client that
 * sends its own X-Forwarded-For, so a count is refused here rather than silently ignored.
 */
/** The scopes Convene's provider offers the product; `sandbox` carries the organisation and sandbox role. */
export const PRODUCT_OIDC_SCOPES = ["openid", "offline_access", "email", "profile", "sandbox"] as const;

const httpUrl = z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// address." });
/** Comma-separated http(s) addresses, each checked. */
const httpUrls = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(httpUrl).min(1, "Give at least one address."));

function trustProxyOf(value: string | undefined, context: z.RefinementCtx): boolean | string[] {
  const text = value?.trim().toLowerCase() ?? "";
  if (text === "" || text === "false" || text === "no" || text === "0") return false;
  if (text === "true" || text === "yes" || text === "1") return true;
  const addresses = text.split(",").map((part) => part.trim());
  const proxy = /^([0-9a-f.:]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/;
  if (/^\d+$/.test(text) || addresses.some((address) => !proxy.test(address))) {
    context.addIssue({
      code: "custom",
      message: "Use true, false, or the proxies' comma-separated addresses (CIDR allowed), not a hop count.",
    });
    return false;
  }
  return addresses;
}

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
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => trustProxyOf(value, context)),
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
  METRICS_TOKEN: z.string().min(16, "Use at least 16 characters.").optional(),
  METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "A host and port, such as 127.0.0.1:9464.")
    .refine((address) => Number(address.slice(address.lastIndexOf(":") + 1)) <= 65535, "A port up to 65535.")
    .optional(),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().default(20),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).default(0),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "Enter a redis:// or rediss:// address." }).optional(),
  REDIS_PREFIX: z.string().default("convene:"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  FILE_STORE: z.enum(["local", "s3"]).default("local"),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "Enter an http:// or https:// address." }).optional(),
  S3_REGION: z.string().optional(),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "A bucket name: 3 to 63 lowercase letters, digits, dots, hyphens.",
    )
    .optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"], { error: "Use true or false." })
    .default("false")
    .transform((value) => value === "true"),
  PRODUCT_URL: httpUrl.optional(),
  PRODUCT_OIDC_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "Letters, digits, dots, hyphens and underscores.")
    .optional(),
  PRODUCT_OIDC_CLIENT_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  PRODUCT_OIDC_REDIRECT_URIS: httpUrls.optional(),
  PRODUCT_OIDC_POST_LOGOUT_REDIRECT_URIS: httpUrls.optional(),
  PRODUCT_OIDC_SCOPES: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .pipe(
      z
        .array(z.enum(PRODUCT_OIDC_SCOPES, { error: `Scopes among ${PRODUCT_OIDC_SCOPES.join(", ")}.` }))
        .refine((scopes) => scopes.includes("openid"), "Include openid."),
    )
    .optional(),
  PRODUCT_OIDC_BACKCHANNEL_LOGOUT_URI: httpUrl.optional(),
  PRODUCT_SCIM_URL: httpUrl.optional(),
  PRODUCT_SCIM_TOKEN: z.string().min(16, "Use at least 16 characters.").optional(),
  PRODUCT_RESET_URL: httpUrl.optional(),
  PRODUCT_RESET_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  PRODUCT_RESET_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  PRODUCT_FLAGS_URL: httpUrl.optional(),
  PRODUCT_FLAGS_SOURCE: z
    .enum(["convene", "product"], { error: "Use convene or product." })
    .default("convene"),
  PRODUCT_WEBHOOK_SECRET: z.string().min(32, "Use at least 32 characters.").optional(),
  OIDC_SIGNING_KEY: z.string().min(1).optional(),
});

/**
 * With FILE_STORE=s3 the bucket and region are needed, and a key pair is given whole or not at all. The
 * product's connection comes in whole parts: a client with its secret and redirect addresses, SCIM with
 * its token, and whatever Convene signs for the product (reset, flags) with the shared secret.
 */
const checkedSchema = configSchema.superRefine((e, issues) => {
  const missing = (name: string, message: string) =>
    issues.addIssue({ code: "custom", path: [name], message });
  if (e.PRODUCT_OIDC_CLIENT_ID) {
    if (!e.PRODUCT_OIDC_CLIENT_SECRET)
      missing("PRODUCT_OIDC_CLIENT_SECRET", "Required with PRODUCT_OIDC_CLIENT_ID.");
    if (!e.PRODUCT_OIDC_REDIRECT_URIS)
      missing("PRODUCT_OIDC_REDIRECT_URIS", "Required with PRODUCT_OIDC_CLIENT_ID: where sign-ins return.");
  }
  if (e.PRODUCT_SCIM_URL && !e.PRODUCT_SCIM_TOKEN)
    missing(
      "PRODUCT_SCIM_TOKEN",
      "Required with PRODUCT_SCIM_URL: the bearer token the product's SCIM asks for.",
    );
  const signed = e.PRODUCT_RESET_URL || e.PRODUCT_FLAGS_URL || e.PRODUCT_FLAGS_SOURCE === "product";
  if (signed && !e.PRODUCT_WEBHOOK_SECRET)
    missing(
      "PRODUCT_WEBHOOK_SECRET",
      "Required with PRODUCT_RESET_URL, PRODUCT_FLAGS_URL or PRODUCT_FLAGS_SOURCE=product: it signs both ways.",
    );
  if (e.FILE_STORE !== "s3") return;
  if (!e.S3_BUCKET)
    missing("S3_BUCKET", "Required when FILE_STORE=s3: the bucket that holds uploaded files.");
  if (!e.S3_REGION) missing("S3_REGION", "Required when FILE_STORE=s3 (e.g. us-east-1).");
  if (e.S3_ACCESS_KEY_ID && !e.S3_SECRET_ACCESS_KEY)
    missing("S3_SECRET_ACCESS_KEY", "Required with S3_ACCESS_KEY_ID.");
  if (e.S3_SECRET_ACCESS_KEY && !e.S3_ACCESS_KEY_ID)
    missing("S3_ACCESS_KEY_ID", "Required with S3_SECRET_ACCESS_KEY.");
});

/** Where uploaded files' bytes live: DATA_DIR/files on this machine, or an S3-compatible bucket. */
export type FileStoreConfig =
  | { kind: "local" }
  | {
      kind: "s3";
      /** Unset means AWS itself; set for MinIO, Ceph, R2 and the like. */
      endpoint: string | undefined;
      region: string;
      bucket: string;
      /** Unset means the AWS SDK's own lookup (instance role, AWS_* variables, shared files). */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      /** Bucket in the path (endpoint/bucket/key), as most self-hosted S3 servers need. */
      forcePathStyle: boolean;
    };

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
  /**
   * Which proxies' X-Forwarded-For Fastify believes, so per-IP limits see the client: false (none),
   * true (any), or the proxies' addresses and CIDR ranges.
   */
  trustProxy: boolean | string[];
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
  /** Redis holding the limits every node shares (sign-in, forms, chat posting, group mail); unset keeps them per node. */
  redisUrl: string | undefined;
  /** Starts every Redis key, so installations and tests sharing one Redis never meet. */
  redisPrefix: string;
  /** Where each signed audit checkpoint is also POSTed, so a copy lives outside this server. */
  auditCheckpointUrl: string | undefined;
  /** Bearer token `/metrics` asks for on the app's own port; unset, it is not served there. */
  metricsToken: string | undefined;
  /** `host:port` of a listener serving `/metrics` alone, without a token; unset, there is none. */
  metricsAddress: string | undefined;
  /** How long a shutdown waits for requests under way before it cuts them (and exits 1). */
  shutdownTimeoutSeconds: number;
  /**
   * How long readiness says "draining" before the server stops taking connections: a load balancer
   * polling readiness takes the node out first, so no newcomer is refused. 0 by default.
   */
  shutdownDelaySeconds: number;
  fileStore: FileStoreConfig;
  product: ProductConfig;
};

/**
 * The vendor's real development environment, when Convene fronts one (all unset: the built-in stand-in
 * alone). Each part is optional and independent of the others.
 */
export type ProductConfig = {
  /** The product's own address, linked from the environment's pages. */
  url: string | undefined;
  /** The product as an OpenID client of Convene's provider (/oidc). */
  oidcClient:
    | {
        clientId: string;
        clientSecret: string;
        redirectUris: string[];
        postLogoutRedirectUris: string[];
        /** The scopes the product may ask for: all of PRODUCT_OIDC_SCOPES unless narrowed. */
        scopes: string[];
        backchannelLogoutUri: string | undefined;
      }
    | undefined;
  /** The product's SCIM 2.0 base address (…/scim/v2) and the bearer token it asks for. */
  scim: { url: string; token: string } | undefined;
  /** Called, signed, when a wipe resets the environment; unset, the built-in stand-in is reset. */
  resetUrl: string | undefined;
  resetTimeoutMs: number;
  resetAttempts: number;
  /** Where Convene's flag changes are sent, signed (when Convene's flags are the source of truth). */
  flagsUrl: string | undefined;
  /** convene: staff set the flags here; product: the product's flag service posts them (signed). */
  flagsSource: "convene" | "product";
  /** Signs what Convene sends the product and checks what the product sends Convene. */
  webhookSecret: string | undefined;
  /** The provider's signing key (an RSA private JWK as JSON); unset, one is generated and kept in DATA_DIR. */
  signingKey: string | undefined;
};

/** Reads the environment once, refusing to start with a clear message naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // An empty variable (`DATABASE_URL= npm start`) means "not set", as in most shells' idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = checkedSchema.safeParse(present);
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
    metricsToken: e.METRICS_TOKEN,
    metricsAddress: e.METRICS_ADDRESS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    shutdownDelaySeconds: e.SHUTDOWN_DELAY_SECONDS,
    fileStore:
      e.FILE_STORE === "s3"
        ? {
            kind: "s3",
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION as string,
            bucket: e.S3_BUCKET as string,
            credentials:
              e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : { kind: "local" },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    product: {
      url: e.PRODUCT_URL,
      oidcClient:
        e.PRODUCT_OIDC_CLIENT_ID && e.PRODUCT_OIDC_CLIENT_SECRET && e.PRODUCT_OIDC_REDIRECT_URIS
          ? {
              clientId: e.PRODUCT_OIDC_CLIENT_ID,
              clientSecret: e.PRODUCT_OIDC_CLIENT_SECRET,
              redirectUris: e.PRODUCT_OIDC_REDIRECT_URIS,
              postLogoutRedirectUris: e.PRODUCT_OIDC_POST_LOGOUT_REDIRECT_URIS ?? [],
              scopes: e.PRODUCT_OIDC_SCOPES ?? [...PRODUCT_OIDC_SCOPES],
              backchannelLogoutUri: e.PRODUCT_OIDC_BACKCHANNEL_LOGOUT_URI,
            }
          : undefined,
      scim:
        e.PRODUCT_SCIM_URL && e.PRODUCT_SCIM_TOKEN
          ? { url: e.PRODUCT_SCIM_URL.replace(/\/$/, ""), token: e.PRODUCT_SCIM_TOKEN }
          : undefined,
      resetUrl: e.PRODUCT_RESET_URL,
      resetTimeoutMs: e.PRODUCT_RESET_TIMEOUT_SECONDS * 1000,
      resetAttempts: e.PRODUCT_RESET_ATTEMPTS,
      flagsUrl: e.PRODUCT_FLAGS_URL,
      flagsSource: e.PRODUCT_FLAGS_SOURCE,
      webhookSecret: e.PRODUCT_WEBHOOK_SECRET,
      signingKey: e.OIDC_SIGNING_KEY,
    },
    ...overrides,
  };
}
