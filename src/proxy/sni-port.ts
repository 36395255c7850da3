// SNI routing's one TLS port, possibly shared by several virtual clusters' listeners: the host name a client asks
// for picks the listener (and in it, the bootstrap or a broker), and that listener's certificate answers the
// handshake. A name no listener claims, or no name at all (a client dialling an IP address), ends the connection.
import tls from "node:tls";
import type { Logger } from "pino";
import type { SessionTarget } from "../session/session.js";
import type { Listener } from "./listener.js";

/** What a routed listener offers the port. */
export interface SniRoute {
  readonly listener: Listener;
  targetOf(serverName: string | undefined): SessionTarget | undefined;
  secureContext(): tls.SecureContext;
}

/** Set by the first listener that names the port (the config requires the same clientAuth of all of them). */
export interface SniPortSettings {
  readonly clientAuth: "none" | "requested" | "required";
  readonly handshakeTimeoutMs: number;
}

class SniPort {
  readonly routes = new Set<SniRoute>();
  readonly server: tls.Server;

  constructor({ clientAuth, handshakeTimeoutMs }: SniPortSettings, log: Logger) {
    this.server = tls.createServer(
      {
        noDelay: true,
        handshakeTimeout: handshakeTimeoutMs,
        requestCert: clientAuth !== "none",
        rejectUnauthorized: clientAuth === "required",
        SNICallback: (serverName, done) => {
          const route = this.routeFor(serverName);
          // Without a route the handshake fails: no certificate of any tenant is shown for a name it doesn't serve.
          if (route === undefined) done(new Error(`no listener serves the TLS host name "${serverName}"`));
          else done(null, route.route.secureContext());
        },
      },
      (socket) => {
        const found = this.routeFor(socket.servername || undefined);
        if (found === undefined) return void socket.destroy();
        found.route.listener.acceptRouted(socket, found.target);
      },
    );
    this.server.on("tlsClientError", (err, socket) => log.debug({ err: err.message, client: `${socket.remoteAddress}:${socket.remotePort}` }, "TLS handshake failed"));
  }

  private routeFor(serverName: string | undefined): { route: SniRoute; target: SessionTarget } | undefined {
    for (const route of this.routes) {
      const target = route.targetOf(serverName);
      if (target !== undefined) return { route, target };
    }
    return undefined;
  }
}

/** The runtime's SNI ports, by bind address and port: bound on the first listener, closed with the last. */
export class SniPorts {
  private readonly ports = new Map<string, SniPort>();

  async attach(bind: string, port: number, settings: SniPortSettings, route: SniRoute, log: Logger): Promise<void> {
    const key = `${bind}:${port}`;
    let sni = this.ports.get(key);
    if (sni === undefined) {
      sni = new SniPort(settings, log);
      this.ports.set(key, sni);
      const server = sni.server;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen({ host: bind, port }, () => {
            server.off("error", reject);
            server.on("error", (err) => log.error({ err, port }, "SNI port error"));
            resolve();
          });
        });
      } catch (err) {
        this.ports.delete(key);
        throw new Error(`cannot listen on ${bind}:${port}: ${(err as Error).message}`, { cause: err });
      }
    }
    sni.routes.add(route);
  }

  /** Stops routing to `route`; the port stops accepting once no route is left. */
  detach(bind: string, port: number, route: SniRoute): void {
    const key = `${bind}:${port}`;
    const sni = this.ports.get(key);
    if (sni === undefined || !sni.routes.delete(route) || sni.routes.size > 0) return;
    this.ports.delete(key);
    sni.server.close();
  }
}
