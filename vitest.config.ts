import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { defineConfig } from "vitest/config";
import { workersPool } from "./test/support/workers-pool.ts";

// Tests run inside workerd with the production wrangler.toml; migrations are applied exactly as
// `wrangler d1 migrations apply` would, from a test-only binding (test/setup.ts).
/**
 * Vendor specs for contract tests, kept in test/contract/specs (sources and licences in its
 * README) and handed to the tests as a binding: code inside workerd cannot read the host's files.
 */
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const VENDOR_SPECS = {
  servicenowTable: "servicenow/table-api.yml",
  servicenowAttachment: "servicenow/attachment-api.yml",
  connectwiseService: "connectwise/service-api-2015.swagger.json",
};

function loadVendorSpecs(): { [key: string]: JsonValue } {
  const dir = path.join(import.meta.dirname, "test", "contract", "specs");
  const specs: { [key: string]: JsonValue } = {};
  for (const [name, file] of Object.entries(VENDOR_SPECS)) {
    const text = readFileSync(path.join(dir, file), "utf8");
    specs[name] = (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as JsonValue;
  }
  return specs;
}

export default defineConfig(async () => {
  return {
    plugins: [await workersPool({ TEST_SPECS: loadVendorSpecs() })],
    test: {
      include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
      // Suites with their own runners: end to end (Node, real RT), browser, benchmark.
      exclude: ["test/e2e/**", "test/browser/**", "test/bench/**", "test/faults/**", "**/node_modules/**"],
      setupFiles: ["./test/setup.ts"],
      // Scenario tests drive whole runs through simulated platforms (a 5 MB file, hundreds of
      // tickets); on a busy two-core machine a few take longer than vitest's 5 s default.
      testTimeout: 30_000,
    },
  };
});
