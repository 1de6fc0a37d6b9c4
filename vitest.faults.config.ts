import { accessSync, constants } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The fault suite (`npm run test:faults`): whole syncs of 1,000 tickets against simulators that
// fail at random, in workerd as the unit tests run. Kept out of `npm test`: it takes minutes.
// FAULT_SEED=<n> replays a scenario with the seed a failing run printed; FAULT_RATE=<0..1> tries
// another failure rate, FAULT_KINDS=<429,500,hang,cut,malformed> only some faults.
// Miniflare keeps D1 and Durable Object storage in SQLite files under the temporary directory,
// and every write is synced to disk: on this machine's disk an insert takes ~6 ms, on tmpfs
// ~1.5 ms, and a 1,000-ticket sync makes some 15,000 of them. Where /dev/shm exists (Linux, CI)
// the suite keeps its storage there; it is thrown away after the run either way.
try {
  accessSync("/dev/shm", constants.W_OK);
  process.env.TMPDIR = "/dev/shm";
} catch {
  // No tmpfs: the default temporary directory, only slower.
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
            FAULT_SEED: process.env.FAULT_SEED ?? "",
            FAULT_RATE: process.env.FAULT_RATE ?? "",
            FAULT_KINDS: process.env.FAULT_KINDS ?? "",
          },
        },
      }),
    ],
    test: {
      include: ["test/faults/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
      // One scenario is a whole backlog synced to convergence: minutes, not seconds. Each is a file
      // of its own, and two run side by side (each workerd is busy on one core).
      testTimeout: 900_000,
      maxWorkers: 2,
      hookTimeout: 60_000,
      // Scenarios print their seeds and figures; keep them on screen.
      silent: false,
    },
  };
});
