// `npm start`: run Lockstep locally with wrangler dev (local D1, R2 and Durable Objects), after
// making a local encryption key and applying the migrations. Prints where to sign in.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const wrangler = (args, options = {}) => spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env, ...options });

if (!existsSync(".dev.vars")) {
  // A random key per machine: credentials saved locally are encrypted like in production.
  writeFileSync(
    ".dev.vars",
    `# Made by npm start; never commit. See .dev.vars.example.\nENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n`,
  );
  console.log("Created .dev.vars with a random ENCRYPTION_KEY for local use.");
}

const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local", "--env", "demo"]);
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn("npx", ["wrangler", "dev", "--env", "demo", "--port", port, "--ip", "127.0.0.1"], {
  stdio: ["inherit", "pipe", "inherit"],
  env,
});
/** Seeds the demo organisation (once) and prints where to sign in. */
async function announce() {
  const base = `http://localhost:${port}`;
  let login = null;
  try {
    const res = await fetch(`${base}/__demo/seed`, { method: "POST" });
    const body = await res.json();
    login = body.login;
    if (body.created) console.log("Seeded the demo: an organisation with a simulated ConnectWise and a simulated ServiceNow account.");
  } catch (err) {
    console.error(`Could not seed the demo (${err.message}); create an organisation at ${base}/setup instead.`);
  }
  console.log(
    [
      "",
      "──────────────────────────────────────────────────────────────",
      ` Lockstep is running at ${base}`,
      login ? ` Sign in at ${base}/login as ${login.email} / ${login.password}` : ` Sign in at ${base}/login`,
      ` Simulated platforms: ${base}/__sim/connectwise, ${base}/__sim/servicenow, ${base}/__sim/request-tracker`,
      ` API reference: ${base}/api-docs   (Ctrl+C stops)`,
      "──────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
}

let announced = false;
dev.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/i.test(String(chunk))) {
    announced = true;
    void announce();
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
