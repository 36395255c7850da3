// The servers of one listener, a virtual cluster's or a shared one (whose context hands each connection over to its
// principal's virtual cluster): the bootstrap port and one port per broker (port = first + (nodeId - nodeIdBase)), so
// the port a client dials names the broker it wants; or, with SNI routing, a route on one TLS port (sni-port.ts) that
// may serve other virtual clusters too, where the host name the client asked for names the broker.
// A new config swaps the context in place (setContext): connections accepted from then on get the new one, open
// connections keep theirs, and nothing is unbound or rebound.
import net from "node:net";
import tls from "node:tls";
import type { ListenerTlsConfig } from "../config/types.js";
import type { ConnectionTicket } from "../limits/connection-caps.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { SessionTarget } from "../session/session.js";
import { ClientConnection, type ConnectionContext } from "./client-connection.js";
import type { SniPorts, SniRoute } from "./sni-port.js";

/** Without budgets (unit tests): Kafka's default for a first request is 10 s; Node's for a handshake is 120 s. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export class Listener {
  private readonly servers: net.Server[] = [];
  readonly connections = new Set<ClientConnection>();
  private readonly idleWaiters: (() => void)[] = [];
  /** SNI routing: this listener's route on its shared port, while attached. */
  private route: SniRoute | undefined;
  private sniContext: tls.SecureContext | undefined;

  constructor(
    private ctx: ConnectionContext,
    private readonly sniPorts?: SniPorts,
  ) {}

  get endpoint(): ListenerEndpoint {
    return this.ctx.endpoint;
  }

  get context(): ConnectionContext {
    return this.ctx;
  }

  /**
   * New connections get `next`; the ports stay bound (the caller checks that the ports and the transport are the same).
   * A new TLS certificate, key or client CA is swapped in for new handshakes, without rebinding.
   */
  setContext(next: ConnectionContext): void {
    const before = this.ctx.endpoint.listener.tls;
    const after = next.endpoint.listener.tls;
    this.ctx = next;
    if (after === undefined || (before?.certificate === after.certificate && before.privateKey === after.privateKey && before.clientCa === after.clientCa)) return;
    if (this.sniContext !== undefined) this.sniContext = tls.createSecureContext(secureContext(after));
    for (const server of this.servers) if (server instanceof tls.Server) server.setSecureContext(secureContext(after));
  }

  /** Binds every port; rejects (with the port named) if one can't be bound. */
  async start(): Promise<void> {
    const { bind, bootstrapPort, tls: material } = this.endpoint.listener;
    const sni = this.endpoint.sni;
    if (sni !== undefined) {
      if (this.sniPorts === undefined || material === undefined) throw new Error("an SNI-routed listener needs the runtime's SNI ports and TLS material");
      this.sniContext = tls.createSecureContext(secureContext(material));
      const route: SniRoute = { listener: this, targetOf: (name) => sni.targetOf(name), secureContext: () => this.sniContext! };
      const where = `${this.endpoint.virtualCluster}/${this.endpoint.listener.name}`;
      await this.sniPorts.attach(bind, bootstrapPort, { clientAuth: material.clientAuth ?? "none", handshakeTimeoutMs: this.handshakeTimeoutMs() }, route, this.ctx.log).catch((err: Error) => {
        throw new Error(`listener ${where} ${err.message}`, { cause: err });
      });
      this.route = route;
      return;
    }
    for (const { port, target } of this.endpoint.ports()) await this.listen(bind, port, target);
  }

  private listen(bind: string, port: number, target: SessionTarget): Promise<void> {
    const server = this.createServer(target);
    this.servers.push(server);
    const where = `${this.endpoint.virtualCluster}/${this.endpoint.listener.name}`;
    return new Promise((resolve, reject) => {
      const failed = (err: Error) =>
        reject(new Error(`listener ${where} cannot listen on ${bind}:${port}: ${err.message}`, { cause: err }));
      server.once("error", failed);
      server.listen({ host: bind, port }, () => {
        server.off("error", failed);
        // Later errors (e.g. EMFILE on accept) are logged: an unhandled 'error' would end the process.
        server.on("error", (err) => this.ctx.log.error({ err, port }, `listener ${where} error`));
        resolve();
      });
    });
  }

  /** TCP, or TLS terminated here for tls and sasl_tls listeners (the TLS details reach the session). */
  private createServer(target: SessionTarget): net.Server {
    const { security, tls: material } = this.endpoint.listener;
    if ((security === "tls" || security === "sasl_tls") && material !== undefined) {
      const clientAuth = material.clientAuth ?? "none";
      const server = tls.createServer(
        {
          ...secureContext(material),
          noDelay: true,
          // A handshake that never finishes holds a descriptor outside every budget: it gets as long as a first request.
          handshakeTimeout: this.handshakeTimeoutMs(),
          // mTLS: "required" refuses a handshake without a certificate the client CA signed.
          requestCert: clientAuth !== "none",
          rejectUnauthorized: clientAuth === "required",
        },
        (socket) => this.accept(socket, target),
      );
      // A failed handshake (a plaintext client, an untrusted certificate) ends that connection only.
      server.on("tlsClientError", (err, socket) => this.ctx.log.debug({ err: err.message, client: `${socket.remoteAddress}:${socket.remotePort}` }, "TLS handshake failed"));
      return server;
    }
    // pauseOnConnect: not a byte is read before the connection knows where to send it
    return net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket, target));
  }

  private handshakeTimeoutMs(): number {
    return this.ctx.budgets?.current.firstRequestTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  }

  /** A connection an SNI port routed here, its TLS handshake done. */
  acceptRouted(socket: net.Socket, target: SessionTarget): void {
    this.accept(socket, target);
  }

  /**
   * The gateway's connection budget decides first (it holds a place until the socket closes), then the virtual
   * cluster's connection caps: open now, open after a wait, or close.
   */
  private accept(socket: net.Socket, target: SessionTarget): void {
    if (this.ctx.budgets?.admitConnection(socket, this.ctx.endpoint.virtualCluster) === false) return void socket.destroy();
    const admitted = this.ctx.admission?.admitConnection(performance.now());
    if (admitted === undefined || (admitted.delayMs === 0 && !("refused" in admitted))) return this.open(socket, target, admitted);
    if ("refused" in admitted && admitted.delayMs === 0) return void socket.destroy();
    // A waiting connection holds its socket and a timer, nothing else: no byte is read, no accept is held up.
    const ignore = () => undefined;
    const gaveUp = () => {
      clearTimeout(timer);
      if (!("refused" in admitted)) admitted.release();
    };
    const timer = setTimeout(() => {
      socket.off("error", ignore).off("close", gaveUp);
      const listening = this.servers.some((server) => server.listening) || this.route !== undefined;
      if (!("refused" in admitted) && listening && !socket.destroyed) return this.open(socket, target, admitted);
      gaveUp();
      socket.destroy();
    }, admitted.delayMs);
    socket.on("error", ignore).once("close", gaveUp);
  }

  private open(socket: net.Socket, target: SessionTarget, ticket: ConnectionTicket | undefined): void {
    const connection = new ClientConnection(socket, target, this.ctx, (closed) => {
      ticket?.release();
      this.connections.delete(closed);
      if (this.connections.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
    this.connections.add(connection);
    connection.start();
  }

  /** Stops accepting at once; open connections carry on (server.close's callback would wait for them). */
  stopAccepting(): void {
    for (const server of this.servers) if (server.listening) server.close();
    if (this.route !== undefined) this.sniPorts?.detach(this.endpoint.listener.bind, this.endpoint.listener.bootstrapPort, this.route);
    this.route = undefined;
  }

  /** Asks every connection to finish its in-flight requests and close; resolves when none is left. */
  drain(): Promise<void> {
    for (const connection of this.connections) connection.drain();
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  closeAll(reason: string): void {
    for (const connection of this.connections) connection.close(reason);
  }
}

/** The TLS material of a listener, as Node's secure context options. */
function secureContext(material: ListenerTlsConfig): tls.SecureContextOptions {
  return { cert: material.certificate, key: material.privateKey, ...(material.clientCa !== undefined && { ca: material.clientCa }) };
}
