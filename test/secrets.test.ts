import { describe, expect, it } from "vitest";
import { ConfigError, DEVELOPMENT_ENCRYPTION_KEY, loadConfig } from "../src/env";
import { SecretBox } from "../src/crypto/secrets";
import { hashPassword, verifyPassword, PBKDF2_ITERATIONS } from "../src/crypto/password";

const KEY = btoa("0123456789abcdef0123456789abcdef");
const baseEnv = { APP_ENV: "production", BILLING_REQUIRED: "false" } as unknown as Env;

describe("secrets at rest", () => {
  it("round-trip under AES-256-GCM and never store the plaintext", async () => {
    const box = new SecretBox(KEY);
    const sealed = await box.encrypt('{"privateKey":"s3cr3t"}', "org_1|acc_1|credentials");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("s3cr3t");
    expect(await box.decrypt(sealed, "org_1|acc_1|credentials")).toBe('{"privateKey":"s3cr3t"}');
    expect(await box.encrypt("same", "aad")).not.toBe(await box.encrypt("same", "aad"));
  });

  it("refuse to decrypt when copied to another row or read with another key", async () => {
    const sealed = await new SecretBox(KEY).encrypt("token", "org_1|acc_1|credentials");
    await expect(new SecretBox(KEY).decrypt(sealed, "org_2|acc_9|credentials")).rejects.toThrow();
    await expect(new SecretBox(btoa("x".repeat(32))).decrypt(sealed, "org_1|acc_1|credentials")).rejects.toThrow();
  });
});

describe("the encryption key", () => {
  it("is required in production, with a message that says how to set it", () => {
    expect(() => loadConfig({ ...baseEnv } as Env)).toThrow(ConfigError);
    expect(() => loadConfig({ ...baseEnv } as Env)).toThrow(/wrangler secret put ENCRYPTION_KEY/);
  });

  it("must be 32 bytes of base64, and never the published development key in production", () => {
    expect(() => loadConfig({ ...baseEnv, ENCRYPTION_KEY: "short" } as Env)).toThrow(/32 random bytes/);
    expect(() => loadConfig({ ...baseEnv, ENCRYPTION_KEY: DEVELOPMENT_ENCRYPTION_KEY } as Env)).toThrow(/development key/);
    expect(loadConfig({ ...baseEnv, ENCRYPTION_KEY: KEY } as Env).encryptionKey).toBe(KEY);
  });

  it("falls back to the explained development default only in development", () => {
    const config = loadConfig({ ...baseEnv, APP_ENV: "development" } as Env);
    expect(config.usingDevelopmentKey).toBe(true);
    expect(config.encryptionKey).toBe(DEVELOPMENT_ENCRYPTION_KEY);
  });
});

describe("passwords", () => {
  it("are hashed with PBKDF2-SHA256, a per-user salt and the runtime's maximum iterations", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
  });
});
