// What happens on the demo's simulated ConnectWise between two cron ticks, so that automatic runs
// find work: a network alert is raised on the Network Operations board and an engineer adds a
// note to the latest earlier alert. Done as a platform user would, through the simulator's own
// REST API, so the changes arrive the way real ones do.
import type { FetchLike } from "./connectors/http-client";
import { CONNECTWISE_SIMULATOR_DEFAULTS, CW_API_PREFIX } from "./simulators/connectwise/app";

/** The board the demo's automatic connection syncs. */
export const NOC_BOARD_ID = 2;

const ALERTS = [
  "Core switch CPU above 90%", "Site-to-site VPN to Leeds flapping", "UPS on battery in comms room", "BGP session to ISP-2 down",
  "Certificate on mail gateway expires in 7 days", "Packet loss on WAN link", "Firewall HA failover", "Wi-Fi controller unreachable",
];

export type DemoActivity = { created: { id: number; summary: string }; noted: { id: number } | null };

/** Raises one alert (the `tick`-th) and notes the alert raised before it. */
export async function makeDemoActivity(fetch: FetchLike, origin: string, tick: number): Promise<DemoActivity> {
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const base = `${origin}/__sim/connectwise${CW_API_PREFIX}`;
  const headers = { Authorization: `Basic ${btoa(`${companyId}+${publicKey}:${privateKey}`)}`, clientId, "Content-Type": "application/json" };
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${base}${path}`, { ...init, headers });
    if (!res.ok) throw new Error(`ConnectWise simulator answered ${res.status} to ${init.method ?? "GET"} ${path}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const conditions = encodeURIComponent(`board/id=${NOC_BOARD_ID}`);
  const [previous] = await call<{ id: number }[]>(`/service/tickets?conditions=${conditions}&orderBy=${encodeURIComponent("id desc")}&pageSize=1`);
  const summary = `${ALERTS[tick % ALERTS.length]} (demo alert ${tick + 1})`;
  const created = await call<{ id: number; summary: string }>("/service/tickets", {
    method: "POST",
    body: JSON.stringify({ summary, board: { id: NOC_BOARD_ID }, company: { id: 250 }, priority: { id: 2 }, initialDescription: `Raised by monitoring: ${summary}.` }),
  });
  let noted: DemoActivity["noted"] = null;
  if (previous) {
    await call(`/service/tickets/${previous.id}/notes`, { method: "POST", body: JSON.stringify({ text: "Looked into it: monitoring again in an hour.", detailDescriptionFlag: true }) });
    noted = { id: previous.id };
  }
  return { created: { id: created.id, summary: created.summary }, noted };
}
