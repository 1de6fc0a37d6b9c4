// The simulated instance itself behaves like the Table API where the connector depends on it:
// encoded query semantics, limit/offset paging with X-Total-Count and Link, display values, the
// error envelope, and auth. A connector test is only as good as the simulator it runs against.
import { describe, expect, it } from "vitest";
import { createServiceNowSimulator } from "../../src/simulators/servicenow/app";
import { useSimulatorNetwork } from "../support/simulator-network";

const network = useSimulatorNetwork();
const AUTH = { Authorization: `Basic ${btoa("lockstep.integration:sn-password")}` };

function setup() {
  const sim = createServiceNowSimulator({ empty: true });
  network.mount("sn.sim.test", sim.app);
  sim.store.insertRaw("sys_user", { user_name: "lockstep.integration", name: "Lockstep Integration", email: "lockstep@example.com", active: "true" });
  const get = async (path: string) => {
    const res = await fetch(`https://sn.sim.test${path}`, { headers: AUTH });
    return { res, body: (await res.json()) as { result: Record<string, unknown>[] } & { error?: { message: string } } };
  };
  const numbers = async (query: string) => (await get(`/api/now/table/incident?sysparm_fields=number&sysparm_query=${encodeURIComponent(query)}`)).body.result.map((r) => r.number);
  return { sim, get, numbers };
}

describe("ServiceNow simulator", () => {
  it("applies ^OR before ^, and supports IN, LIKE, ISEMPTY, != and ORDERBYDESC", async () => {
    const { sim, numbers } = setup();
    const rows = [["1", "Mail down", ""], ["2", "VPN slow", "CW-1"], ["6", "Mail quota", ""], ["7", "Printer", "CW-2"]] as const;
    rows.forEach(([state, short_description, correlation_id], i) => sim.store.insertRaw("incident", { number: `INC000000${i + 1}`, state, short_description, correlation_id }));
    expect(await numbers("state=1^ORstate=2^short_descriptionLIKEmail")).toEqual(["INC0000001"]);
    expect(await numbers("stateIN6,7^ORDERBYDESCnumber")).toEqual(["INC0000004", "INC0000003"]);
    expect(await numbers("correlation_idISEMPTY^state!=6")).toEqual(["INC0000001"]);
    expect(await numbers("state<6^ORDERBYnumber")).toEqual(["INC0000001", "INC0000002"]);
    expect(await numbers("state=1^NQstate=7")).toEqual(["INC0000001", "INC0000004"]);
  });

  it("returns no rows for a query naming an unknown field, and records it", async () => {
    const { sim, numbers } = setup();
    sim.store.insertRaw("incident", { state: "1" });
    expect(await numbers("no_such_field=1")).toEqual([]);
    expect(sim.store.invalidQueries).toEqual(["incident: no_such_field=1"]);
  });

  it("pages with sysparm_limit and sysparm_offset, with X-Total-Count and first/prev/next/last links", async () => {
    const { sim, get } = setup();
    for (let i = 0; i < 5; i++) sim.store.insertRaw("incident", { short_description: `T${i}` });
    const { res, body } = await get("/api/now/table/incident?sysparm_limit=2&sysparm_offset=2&sysparm_fields=short_description");
    expect(body.result).toEqual([{ short_description: "T2" }, { short_description: "T3" }]);
    expect(res.headers.get("X-Total-Count")).toBe("5");
    const links = Object.fromEntries([...res.headers.get("Link")!.matchAll(/<([^>]+)>;rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!).searchParams.get("sysparm_offset")]));
    expect(links).toEqual({ first: "0", prev: "0", next: "4", last: "4" });
    const single = await get("/api/now/table/incident?sysparm_limit=10");
    expect(single.res.headers.get("Link")).toBeNull();
  });

  it("renders references and choices as value and display value with sysparm_display_value=all", async () => {
    const { sim, get } = setup();
    const group = sim.store.insertRaw("sys_user_group", { name: "Network", active: "true" });
    sim.store.insertRaw("sys_choice", { name: "incident", element: "state", value: "2", label: "In Progress", inactive: "false" });
    sim.store.insertRaw("incident", { state: "2", assignment_group: group.sys_id! });
    const { body } = await get("/api/now/table/incident?sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_fields=state,assignment_group");
    expect(body.result).toEqual([{ state: { value: "2", display_value: "In Progress" }, assignment_group: { value: group.sys_id, display_value: "Network" } }]);
  });

  it("answers bad credentials, a bad offset and an unknown table in ServiceNow's error envelope", async () => {
    const { get } = setup();
    const anonymous = await fetch("https://sn.sim.test/api/now/table/incident");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { message: "User Not Authenticated", detail: "Required to provide Auth information" }, status: "failure" });
    const badOffset = await get("/api/now/table/incident?sysparm_offset=-1");
    expect([badOffset.res.status, badOffset.body.error?.message]).toEqual([400, "Invalid value for sysparm_offset: -1"]);
    const badTable = await get("/api/now/table/nope");
    expect([badTable.res.status, badTable.body.error?.message]).toEqual([400, "Invalid table nope"]);
  });
});
