import { defineConfig } from "vitest/config";
import { storageOnTmpfs, workersPool } from "./test/support/workers-pool.ts";

// The fault suite (`npm run test:faults`): whole syncs of 1,000 tickets against simulators that
// fail at random, in workerd as the unit tests run. Kept out of `npm test`: it takes minutes.
// FAULT_SEED=<n> replays a scenario with the seed a failing run printed; FAULT_RATE=<0..1> tries
// another failure rate, FAULT_KINDS=<429,500,hang,cut,malformed> only some faults.
// Storage on tmpfs where there is one; it is thrown away after the run either way.
storageOnTmpfs();

export default defineConfig(async () => {
  return {
    plugins: [await workersPool({ FAULT_SEED: process.env.FAULT_SEED ?? "", FAULT_RATE: process.env.FAULT_RATE ?? "", FAULT_KINDS: process.env.FAULT_KINDS ?? "" })],
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
