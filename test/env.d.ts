declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Parsed vendor specs from test/contract/specs (see vitest.config.ts). */
    TEST_SPECS: Record<string, unknown>;
  }
}
