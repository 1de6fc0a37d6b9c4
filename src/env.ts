// The Worker's environment, parsed once per isolate by one zod schema: a missing or malformed
// setting fails loudly at the first request instead of half-working.
import { z } from "zod";

/** Used only when APP_ENV is `development` and no ENCRYPTION_KEY is set (see README). */
export const DEVELOPMENT_ENCRYPTION_KEY = "bG9ja3N0ZXAtbG9jYWwtZGV2ZWxvcG1lbnQta2V5ISE=";

const base64Key = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return atob(value).length === 32;
    } catch {
      return false;
    }
  }, "must be 32 random bytes in base64 (openssl rand -base64 32)");

/** Comma-separated addresses, lower-cased like users' emails; blanks ignored. */
const emailList = z
  .string()
  .transform((value) => value.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email("must be a comma-separated list of email addresses")));

const envSchema = z.object({
  APP_ENV: z.enum(["production", "development"]).default("production"),
  BILLING_REQUIRED: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  ENCRYPTION_KEY: base64Key.optional(),
  SYNC_CHUNK_TICKETS: z.coerce.number().int().min(1).max(5_000).default(500),
  ALERT_EMAIL_FROM: z.email().optional(),
  SIGNUP: z.enum(["invite", "open", "closed"]).default("invite"),
  OPERATOR_EMAILS: emailList.default([]),
});

export type AppConfig = {
  appEnv: "production" | "development";
  billingRequired: boolean;
  encryptionKey: string;
  /** True when the key is the published development default: never acceptable in production. */
  usingDevelopmentKey: boolean;
  /** Tickets one invocation of a run handles before it checkpoints and continues in the next. */
  chunkTickets: number;
  /** Sender of alert emails; with the ALERT_EMAIL binding, alerts also go out by email. */
  alertEmailFrom: string | null;
  /**
   * How an organisation other than the first comes to exist: `invite`, only with a partner's
   * valid connection verification code; `open`, anyone; `closed`, none (first-run setup only).
   */
  signup: "invite" | "open" | "closed";
  /** The install's operators: signed-in users with these emails see every organisation and set its billing. */
  operatorEmails: string[];
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

const cache = new WeakMap<object, AppConfig>();

export function loadConfig(env: Env): AppConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = envSchema.safeParse({
    APP_ENV: env.APP_ENV,
    BILLING_REQUIRED: env.BILLING_REQUIRED,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY || undefined,
    SYNC_CHUNK_TICKETS: env.SYNC_CHUNK_TICKETS || undefined,
    ALERT_EMAIL_FROM: env.ALERT_EMAIL_FROM || undefined,
    SIGNUP: env.SIGNUP || undefined,
    OPERATOR_EMAILS: env.OPERATOR_EMAILS || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Lockstep is misconfigured: ${problems}`);
  }
  const { APP_ENV, BILLING_REQUIRED, ENCRYPTION_KEY, SYNC_CHUNK_TICKETS, ALERT_EMAIL_FROM, SIGNUP, OPERATOR_EMAILS } = parsed.data;
  if (!ENCRYPTION_KEY && APP_ENV === "production") {
    throw new ConfigError(
      "Lockstep cannot start: the ENCRYPTION_KEY secret is not set. Platform credentials are encrypted " +
        "with it. Create one with `openssl rand -base64 32 | npx wrangler secret put ENCRYPTION_KEY`.",
    );
  }
  if (ENCRYPTION_KEY === DEVELOPMENT_ENCRYPTION_KEY && APP_ENV === "production") {
    throw new ConfigError("Lockstep cannot start: ENCRYPTION_KEY is the published development key; set a random one.");
  }
  if (!ENCRYPTION_KEY) {
    console.warn(
      "ENCRYPTION_KEY is not set: using the built-in development key. Credentials saved now are not " +
        "protected; set ENCRYPTION_KEY in .dev.vars (npm start creates one) or as a Worker secret.",
    );
  }
  const config: AppConfig = {
    appEnv: APP_ENV,
    billingRequired: BILLING_REQUIRED,
    encryptionKey: ENCRYPTION_KEY ?? DEVELOPMENT_ENCRYPTION_KEY,
    usingDevelopmentKey: !ENCRYPTION_KEY,
    chunkTickets: SYNC_CHUNK_TICKETS,
    alertEmailFrom: ALERT_EMAIL_FROM ?? null,
    signup: SIGNUP,
    operatorEmails: OPERATOR_EMAILS,
  };
  cache.set(env, config);
  return config;
}

/**
 * The optional Cloudflare Email binding for alerts (`[[send_email]] name = "ALERT_EMAIL"` in
 * wrangler.toml, with Email Sending on the zone). Not declared by default, so installs without it
 * deploy as they are and alert by webhook only; read through here so `Env` need not name it.
 */
export function alertEmailBinding(env: Env): SendEmail | undefined {
  const binding = (env as Env & { ALERT_EMAIL?: SendEmail }).ALERT_EMAIL;
  return binding && typeof binding.send === "function" ? binding : undefined;
}

/** Whether this install can email an alert at all: the binding and a sender, both. */
export function canEmailAlerts(env: Env): boolean {
  return Boolean(alertEmailBinding(env) && loadConfig(env).alertEmailFrom);
}
