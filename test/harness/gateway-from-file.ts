// A gateway started the way `bulkhead start FILE` starts one: from a config file (written here from `document`), so
// that its admin API and console run. For tests of the control plane against real Kafka.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { YamlFileStore } from "../../src/config/yaml-file-store.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { freePort, freePortRange } from "./gateway.js";
import type { ProvidedKafka } from "./provided.js";

/**
 * `document` is the config file's content; where it doesn't say, the control plane listens on a free port, shutdown
 * drains for 2 s and the log holds warnings and errors.
 */
export async function startGatewayFromFile(document: { control?: object }, name: string): Promise<{ gateway: Gateway; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `bulkhead-${name}-`));
  const file = join(dir, "gateway.yaml");
  const control = { listen: `127.0.0.1:${await freePort()}`, ...document.control };
  await writeFile(file, stringify({ shutdown: { drainTimeoutMs: 2000 }, log: { level: "warn" }, ...document, control }));
  const store = new YamlFileStore(file);
  const { config, text } = await store.read();
  return { gateway: await startGateway(config, { store: { store, text } }), dir };
}

/** Where a virtual cluster's clients bootstrap: its first listener. */
export function bootstrapOf(gateway: Gateway, virtualCluster: string): string {
  return `127.0.0.1:${gateway.runtime.config.virtualClusters.find((v) => v.name === virtualCluster)!.listeners[0]!.bootstrapPort}`;
}

/** A plaintext listener with one port per broker of `kafka`, on free ports of 127.0.0.1, as the config file writes it. */
export async function portPerBrokerListener(kafka: ProvidedKafka): Promise<Record<string, unknown>> {
  const count = kafka.brokers.length;
  const first = await freePortRange(count + 1);
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  return { name: "plain", bind: "127.0.0.1", bootstrapPort: first, brokerPorts: `${first + 1}-${first + count}`, nodeIdBase, advertisedHost: "127.0.0.1" };
}
