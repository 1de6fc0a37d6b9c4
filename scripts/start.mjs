// `npm start`: run the Lockstep demo locally with wrangler dev (local D1, R2 and Durable Objects,
// the simulated platforms in memory), after making a local encryption key and applying the
// migrations. Prints where to sign in, then drives the 5-minute cron that `wrangler dev` does not
// fire, with a little activity on the simulated ConnectWise before each tick, so that the demo
// syncs by itself. Nothing leaves the machine.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";
const base = `http://localhost:${port}`;
// Where this demo keeps its local D1, R2 and Durable Object state (not `npm run dev`'s).
const STATE = ".wrangler/demo-state";
const CRON = "*/5 * * * *";
const FIVE_MINUTES = 5 * 60_000;
// For trying the automatic runs quickly: a tick every DEMO_CRON_MS milliseconds from start,
// instead of on the wall clock's 5-minute boundaries as the deployed cron fires.
const cronMs = process.env.DEMO_CRON_MS ? Number(process.env.DEMO_CRON_MS) : null;
if (cronMs !== null && !(Number.isInteger(cronMs) && cronMs >= 5_000)) {
  console.error("DEMO_CRON_MS must be a whole number of milliseconds, at least 5000.");
  process.exit(1);
}

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  // Otherwise miniflare fetches request `cf` data from workers.cloudflare.com on start.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

if (!existsSync(".dev.vars")) {
  // A random key per machine: credentials saved locally are encrypted like in production.
  writeFileSync(
    ".dev.vars",
    `# Made by npm start; never commit. See .dev.vars.example.\nENCRYPTION_KEY=${randomBytes(32).toString("base64")}\n`,
  );
  console.log("Created .dev.vars with a random ENCRYPTION_KEY for local use.");
}

// The simulated platforms live in memory and are seeded afresh on every start, so a database
// kept from the last start would link to tickets they no longer hold: each start begins anew.
rmSync(STATE, { recursive: true, force: true });
console.log(`Starting a fresh demo (its local state lives in ${STATE} and is reset on every start).`);

// Quiet unless it fails: wrangler prints the migrations table several times over.
const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--env", "demo", "--persist-to", STATE], { env, encoding: "utf8" });
if (migrate.status !== 0) {
  process.stdout.write(migrate.stdout ?? "");
  process.stderr.write(migrate.stderr ?? "");
  console.error("Could not apply the database migrations (wrangler's output above).");
  process.exit(migrate.status ?? 1);
}
const migrations = readdirSync("migrations").filter((f) => f.endsWith(".sql")).length;
console.log(`Database ready (${migrations} migrations applied).`);

const dev = spawn(
  "npx",
  ["wrangler", "dev", "--env", "demo", "--port", port, "--ip", "127.0.0.1", "--persist-to", STATE, "--show-interactive-dev-session=false"],
  { stdio: ["inherit", "pipe", "pipe"], env },
);

// Wrangler's lines a newcomer need not see: the banner, the bindings table, a hint to trigger
// crons by hand (this script does) and the types hint (`npm test` checks the types match).
// Everything else, errors above all, is shown as is.
const QUIET = [
  /^\s*⛅️ wrangler/,
  /^[─-]+$/,
  /^Your (Worker|worker) has access to the following bindings:/,
  /^Binding\s+Resource\s+Mode/,
  /^env\.\w+\s.*\s(local|remote)\s*$/,
  /^\s*$/,
  /Scheduled Workers are not automatically triggered/,
  /To manually trigger a scheduled event, run:/,
  /curl "http:\/\/.*\/cdn-cgi\/local\/scheduled"/,
  /For more details, see https:\/\/developers\.cloudflare\.com\/workers\/configuration\/cron-triggers/,
  /Your types might be out of date/,
  /wrangler types/,
  /^Using vars defined in \.dev\.vars/,
  /^Using secrets defined in \.dev\.vars/,
  /^\[wrangler:info\] Ready on/,
  /^⎔ Starting local server/,
  /Parsed \d+ valid (header|redirect) rules?/,
  // This script's own calls, which it reports in its own words.
  /^\[wrangler:info\] (GET|POST) \/(__demo\/|cdn-cgi\/local\/scheduled)/,
];
function relay(stream, out, onLine) {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      onLine(line);
      // eslint-disable-next-line no-control-regex
      const plain = line.replace(/\u001b\[[0-9;]*m/g, "");
      if (!QUIET.some((pattern) => pattern.test(plain))) out.write(`${line}\n`);
    }
  });
}

let announced = false;
const onLine = (line) => {
  if (!announced && /Ready on/i.test(line)) {
    announced = true;
    void announce();
  }
};
relay(dev.stdout, process.stdout, onLine);
relay(dev.stderr, process.stderr, onLine);

/** Seeds the demo organisation (once), prints where to sign in, and starts the cron ticks. */
async function announce() {
  let login = null;
  try {
    const res = await fetch(`${base}/__demo/seed`, { method: "POST" });
    const body = await res.json();
    login = body.login;
    if (body.created) {
      const automatic = body.automatic?.enabled ? "" : ` (automatic sync not started: ${body.automatic?.message ?? "no answer"})`;
      console.log(`Seeded the demo: an organisation with a simulated ConnectWise and ServiceNow, and two connections between them${automatic}.`);
    }
  } catch (err) {
    console.error(`Could not seed the demo (${err.message}); create an organisation at ${base}/setup instead.`);
  }
  console.log(
    [
      "",
      "──────────────────────────────────────────────────────────────",
      ` Lockstep is running at ${base}`,
      login ? ` Sign in at ${base}/login as ${login.email} / ${login.password}` : ` Sign in at ${base}/login`,
      ` Try "Northwind ⇄ Contoso service desk" by hand (its Sync page, Start sync); the NOC connection`,
      `   syncs by itself ${cronMs ? `every ${cronMs / 1000} s (DEMO_CRON_MS)` : "every 5 minutes, like the deployed cron"}.`,
      ` Simulated platforms: ${base}/__sim/connectwise, ${base}/__sim/servicenow, ${base}/__sim/request-tracker`,
      ` API reference: ${base}/api-docs   (Ctrl+C stops)`,
      "──────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
  scheduleTick(0);
}

/** The next tick: the next 5-minute boundary of the wall clock (or DEMO_CRON_MS from now). */
function nextTickAt(now) {
  return cronMs ? now + cronMs : Math.floor(now / FIVE_MINUTES) * FIVE_MINUTES + FIVE_MINUTES;
}

let timer = null;
function scheduleTick(tick) {
  const at = nextTickAt(Date.now());
  timer = setTimeout(() => void runTick(tick, at), at - Date.now());
}

/** Some activity on the simulated ConnectWise, then the real scheduled handler, as the cron would. */
async function runTick(tick, at) {
  const time = new Date(at).toISOString().slice(11, 19);
  try {
    const res = await fetch(`${base}/__demo/activity?tick=${tick}`, { method: "POST" });
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    const { created, noted } = await res.json();
    console.log(
      `${time} cron tick: a ConnectWise user raised #${created.id} "${created.summary}"${noted ? ` and noted #${noted.id}` : ""}; the automatic sync runs now.`,
    );
    const scheduled = await fetch(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${at}`);
    if (!scheduled.ok) throw new Error(`the scheduled handler answered ${scheduled.status} ${await scheduled.text()}`);
  } catch (err) {
    console.error(`${time} cron tick failed: ${err.message}`);
  }
  scheduleTick(tick + 1);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (timer) clearTimeout(timer);
    dev.kill(signal);
  });
}
dev.on("exit", (code) => process.exit(code ?? 0));
