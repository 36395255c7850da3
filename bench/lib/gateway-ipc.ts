// Messages between bench/e2e.ts and the gateway it runs as a child process (bench/gateway-child.ts).

export interface GatewayChildOptions {
  /** The real cluster's bootstrap servers, "host:port,...". */
  kafkaBootstrap: string;
  /** Node ids of the real brokers (for the port-per-broker range). */
  nodeIds: number[];
  /** Also a sasl_tls listener with this certificate and key (PEM) and one user (PLAIN and SCRAM-SHA-512). */
  secure?: { certificate: string; privateKey: string; user: string; password: string };
}

/** CPU the gateway process has used since it started, and the bytes it has moved, as running totals. */
export interface GatewaySample {
  cpuUserUs: number;
  cpuSystemUs: number;
  bytesFromClients: number;
  bytesToClients: number;
  /** Requests received from clients (all APIs). */
  requests: number;
}

export type ParentMessage = { type: "sample" } | { type: "stop" };
export type ChildMessage =
  | { type: "ready"; bootstrap: string; secureBootstrap?: string }
  | ({ type: "sample" } & GatewaySample)
  | { type: "error"; message: string };
