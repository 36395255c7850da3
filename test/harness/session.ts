// A Session on a made-up listener, for driving filters and observers without sockets.
import { ListenerEndpoint } from "../../src/session/endpoint.js";
import { Session } from "../../src/session/session.js";

export function testEndpoint(virtualCluster = "payments"): ListenerEndpoint {
  return new ListenerEndpoint(virtualCluster, {
    name: "plain",
    bind: "127.0.0.1",
    bootstrapPort: 19092,
    brokerPorts: { first: 19093, last: 19095 },
    nodeIdBase: 1,
    advertisedHost: "gateway.example",
  });
}

/** A session whose mutes are recorded instead of acted on. */
export function testSession(endpoint = testEndpoint()): Session & { mutedUntil: number[] } {
  const mutedUntil: number[] = [];
  const session = new Session(endpoint, { kind: "bootstrap" }, "127.0.0.1", 50000, undefined, { muteUntil: (t) => mutedUntil.push(t) });
  return Object.assign(session, { mutedUntil });
}

