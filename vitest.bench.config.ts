import { defineConfig } from "vitest/config";
import { storageOnTmpfs, workersPool } from "./test/support/workers-pool.ts";

// The benchmark (`npm run bench`, driven by scripts/bench.mjs): the scenarios named by
// BENCH_SCENARIO (comma-separated), in workerd as the unit tests run. Each scenario's file is in
// test/bench/scenarios/; the files of one run go one after another (never side by side, which
// would disturb each other's times), each with storage of its own. Storage on tmpfs where there
// is one, as for the fault suite: the disk's fsync would otherwise dominate D1's time.
storageOnTmpfs();

const FILES: [RegExp, string][] = [
  [/^(cw-sn|rt-rt)-\d+$/, "full-sync"],
  [/^engine-overhead$/, "engine-overhead"],
  [/^webhook-latency$/, "webhook-latency"],
  [/^idle-tick$/, "idle-tick"],
  [/^cron-fanout$/, "cron-fanout"],
];
const scenarios = (process.env.BENCH_SCENARIO ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const files = new Set<string>();
for (const scenario of scenarios) {
  const file = FILES.find(([pattern]) => pattern.test(scenario))?.[1];
  if (!file) throw new Error(`Unknown benchmark scenario "${scenario}" (see scripts/bench.mjs)`);
  files.add(`test/bench/scenarios/${file}.ts`);
}
if (files.size === 0) throw new Error("Set BENCH_SCENARIO to one or more scenarios, comma-separated (see scripts/bench.mjs), or run npm run bench");

export default defineConfig(async () => {
  return {
    plugins: [await workersPool({ BENCH_SCENARIO: scenarios.join(","), BENCH_LATENCY_MS: process.env.BENCH_LATENCY_MS ?? "5" })],
    test: {
      include: [...files],
      fileParallelism: false,
      setupFiles: ["./test/setup.ts"],
      testTimeout: 900_000,
      hookTimeout: 120_000,
      silent: false,
    },
  };
});
