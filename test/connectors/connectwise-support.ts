// Shared setup for the ConnectWise connector tests: a fresh simulator on cw.sim.test, reached
// through msw, and a connector client with the simulator's default credentials.
import { connectwiseConnector } from "../../src/connectors/connectwise";
import type { ConnectWiseCredentials, ConnectWiseSettings } from "../../src/connectors/connectwise/config";
import type { FetchLike } from "../../src/connectors/http-client";
import { CONNECTWISE_SIMULATOR_DEFAULTS, createConnectWiseSimulator, type ConnectWiseSimulatorOptions } from "../../src/simulators/connectwise/app";
import { useSimulatorNetwork } from "../support/simulator-network";

export const CW_HOST = "cw.sim.test";
export const CW_BASE = `https://${CW_HOST}/v4_6_release/apis/3.0`;
export const network = useSimulatorNetwork();

export type SentRequest = { method: string; url: URL; body: string | null };

export function setupConnectWise(options: { sim?: ConnectWiseSimulatorOptions; settings?: Partial<ConnectWiseSettings>; credentials?: Partial<ConnectWiseCredentials> } = {}) {
  const sim = createConnectWiseSimulator(options.sim);
  network.mount(CW_HOST, sim.app);
  const sent: SentRequest[] = [];
  // Records what the connector sent (JSON bodies only; streams pass through untouched).
  const recordingFetch: FetchLike = async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : null;
    sent.push({ method: init?.method ?? "GET", url: new URL(String(input)), body });
    return fetch(input, init);
  };
  const { companyId, publicKey, privateKey, clientId } = CONNECTWISE_SIMULATOR_DEFAULTS;
  const client = connectwiseConnector.create({
    fetch: recordingFetch,
    config: {
      baseUrl: CW_BASE,
      credentials: { companyId, publicKey, privateKey, clientId, ...options.credentials },
      settings: { boardIds: [], pageSize: 200, timeoutMs: 5_000, ...options.settings },
    },
  });
  return { sim, client, sent };
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
