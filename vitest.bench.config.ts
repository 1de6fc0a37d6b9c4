import { accessSync, constants } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The benchmark (`npm run bench`, driven by scripts/bench.mjs): one scenario per run of this
// config, named by BENCH_SCENARIO, in workerd as the unit tests run. Storage on tmpfs where there
// is one, as for the fault suite: the disk's fsync would otherwise dominate D1's time.
try {
  accessSync("/dev/shm", constants.W_OK);
  process.env.TMPDIR = "/dev/shm";
} catch {
  // No tmpfs: slower D1, same counts.
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENCRYPTION_KEY: "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU=",
            BENCH_SCENARIO: process.env.BENCH_SCENARIO ?? "",
            BENCH_LATENCY_MS: process.env.BENCH_LATENCY_MS ?? "5",
          },
        },
      }),
    ],
    test: {
      include: ["test/bench/scenarios.ts"],
      setupFiles: ["./test/setup.ts"],
      testTimeout: 900_000,
      hookTimeout: 120_000,
      silent: false,
    },
  };
});
