// How a page names each side of a connection in sentences: "Request Tracker “Support desk”
// (source)". The account's name only where the side is the viewer's own.
import type { ConnectionView } from "../../schemas/connection-views";
import type { SideNames } from "../../../views/components/run-scope";
import { connectorFor } from "../../connectors/registry";

export function sideNames(connection: Pick<ConnectionView, "sides">): SideNames {
  const name = (side: "source" | "target") => {
    const view = connection.sides.find((s) => s.side === side);
    const platform = view?.platform ? (connectorFor(view.platform)?.facts.label ?? view.platform) : "the partner's platform";
    return `${platform}${view?.account ? ` “${view.account.name}”` : ""} (${side})`;
  };
  return { source: name("source"), target: name("target") };
}
