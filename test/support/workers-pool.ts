// What the three workerd-run suites' vitest configs share (unit tests, fault suite, benchmark):
// the production wrangler.toml, the D1 migrations handed to test/setup.ts, a fixed test key, and
// storage on tmpfs for the long suites. Runs in Node, when a config is loaded.
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

const ROOT = path.join(import.meta.dirname, "..", "..");
// A fixed test key (32 bytes, base64): tests never touch the development default.
const TEST_ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU=";

/** The workerd pool with the app's bindings, the migrations, the test key and `bindings`. */
export async function workersPool(bindings: Record<string, unknown> = {}) {
  // Nothing leaves the machine: miniflare would otherwise fetch the `cf` request properties from
  // Cloudflare at start-up. The key in the environment satisfies wrangler.toml's
  // `secrets.required`, which would otherwise warn once per test file.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.ENCRYPTION_KEY ??= TEST_ENCRYPTION_KEY;
  const migrations = await readD1Migrations(path.join(ROOT, "migrations"));
  return cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: { bindings: { TEST_MIGRATIONS: migrations, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...bindings } },
  });
}

/**
 * Storage on tmpfs where there is one (Linux, CI). Miniflare keeps D1 and Durable Object storage
 * in SQLite files under the temporary directory and syncs every write: on this machine's disk an
 * insert takes ~6 ms, on tmpfs ~1.5 ms, and a 1,000-ticket sync makes some 15,000 of them.
 */
export function storageOnTmpfs() {
  try {
    accessSync("/dev/shm", constants.W_OK);
    process.env.TMPDIR = "/dev/shm";
  } catch {
    // No tmpfs: the default temporary directory, only slower.
  }
}
