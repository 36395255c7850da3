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

/** A session whose mutes and closes are recorded instead of acted on. */
export function testSession(endpoint = testEndpoint(), remoteAddress = "127.0.0.1"): Session & { mutedUntil: number[]; closed: string[] } {
  const mutedUntil: number[] = [];
  const closed: string[] = [];
  const session = new Session(endpoint, { kind: "bootstrap" }, remoteAddress, 50000, undefined, {
    muteUntil: (t) => mutedUntil.push(t),
    close: (reason) => closed.push(reason),
  });
  return Object.assign(session, { mutedUntil, closed });
}

