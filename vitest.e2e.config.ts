import { defineConfig } from "vitest/config";

// The end-to-end suite (test/e2e/): plain Node, outside `npm test`'s workerd pool. It drives
// Lockstep under `wrangler dev` and two real Request Tracker 5 servers, so its files share those
// processes and run one after another.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["./test/e2e/global-setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
