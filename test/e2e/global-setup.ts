// Once per `npm run test:e2e`: RT installed if missing (each file starts fresh instances), Lockstep started
// under `wrangler dev` on a fresh state, and its first-run setup done through the API. The test
// files get the address and the owner's API token; everything is stopped at the end.
import type { TestProject } from "vitest/node";
import { RT_STATE_DIR, rt, startLockstep } from "./support/processes";

declare module "vitest" {
  export interface ProvidedContext {
    lockstepUrl: string;
    apiToken: string;
  }
}

export default async function setup(project: TestProject) {
  rt("install");
  const lockstep = await startLockstep();
  const teardown = async () => {
    await lockstep.stop();
    rt("down");
  };
  try {
    const res = await fetch(`${lockstep.baseUrl}/api/v1/setup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        organisation: { name: "Northwind IT" },
        owner: { name: "Olivia Owner", email: "olivia@northwind.test", password: "correct horse battery staple" },
      }),
    });
    const body = (await res.json()) as { token?: string };
    if (res.status !== 201 || !body.token) throw new Error(`first-run setup answered ${res.status}: ${JSON.stringify(body)}`);
    project.provide("lockstepUrl", lockstep.baseUrl);
    project.provide("apiToken", body.token);
  } catch (error) {
    await teardown();
    throw error;
  }
  return async () => {
    if (process.env.E2E_SHOW_WRANGLER) console.log(lockstep.output());
    else console.log(`wrangler dev's output: ${lockstep.logFile}; RT's: ${RT_STATE_DIR}/{a,b}/server.log`);
    await teardown();
  };
}
