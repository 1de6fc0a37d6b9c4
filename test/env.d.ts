declare namespace Cloudflare {
  /** Types `exports.default` in tests as the Worker's own default export. */
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Parsed vendor specs from ../shared/specs (see vitest.config.ts); absent keys mean the file is missing. */
    TEST_SPECS: Record<string, unknown>;
  }
}
