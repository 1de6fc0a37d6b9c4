declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Parsed vendor specs from ../shared/specs (see vitest.config.ts); absent keys mean the file is missing. */
    TEST_SPECS: Record<string, unknown>;
  }
}
