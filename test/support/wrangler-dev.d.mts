export function freePort(): Promise<number>;
export function wranglerEnv(): NodeJS.ProcessEnv;
export function startWranglerDev(options: {
  root: string;
  /** Everything after `wrangler dev` but the ports and address. */
  args: string[];
  /** The `--persist-to` folder, removed on stop. */
  state: string;
  env?: Record<string, string>;
  onOutput?: (chunk: Buffer) => void;
}): Promise<{ baseUrl: string; stop: () => Promise<void>; output: () => string }>;
