// The gateway for bench/admin-load.ts, in its own process (as in production: one process serves the data plane and
// the admin API). Started with fork(); options as JSON in argv[2]. It runs the production startGateway() from a
// config file, so the admin API is on, and tells the parent its bootstrap, control address and admin token.
// BULKHEAD_ADMIN_LOAD_MAX_IN_FLIGHT sets control.maxInFlightPerToken (default: the gateway's).
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { YamlFileStore } from "../src/config/yaml-file-store.js";
import { createToken } from "../src/control/auth.js";
import { startGateway } from "../src/gateway.js";
import { tuneHeapGrowth } from "../src/runtime/heap-tuning.js";
import { freePort, freePortRange } from "../test/harness/gateway.js";

export interface AdminLoadChildOptions {
  bootstrap: string;
  nodeIds: number[];
  prefix: string;
}

export interface AdminLoadChildReady {
  bootstrap: string;
  control: string;
  token: string;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("bench/admin-load-child.ts must be started by bench/admin-load.ts (fork with IPC)");
  const options = JSON.parse(process.argv[2] ?? "") as AdminLoadChildOptions;
  const nodeIdBase = Math.min(...options.nodeIds);
  const brokers = Math.max(...options.nodeIds) - nodeIdBase + 1;
  const first = await freePortRange(brokers + 1);
  const admin = createToken();
  const controlPort = await freePort();
  const file = join(await mkdtemp(join(tmpdir(), "bulkhead-admin-load-")), "gateway.yaml");
  await writeFile(
    file,
    stringify({
      clusters: [{ name: "bench", bootstrap: options.bootstrap }],
      virtualClusters: [
        {
          name: "bench",
          cluster: "bench",
          prefix: options.prefix,
          listeners: [{ name: "plain", bind: "127.0.0.1", bootstrapPort: first, brokerPorts: `${first + 1}-${first + brokers}`, nodeIdBase, advertisedHost: "127.0.0.1" }],
        },
      ],
      control: {
        listen: `127.0.0.1:${controlPort}`,
        tokens: [{ name: "bench", sha256: admin.sha256, role: "admin" }],
        ...(process.env.BULKHEAD_ADMIN_LOAD_MAX_IN_FLIGHT ? { maxInFlightPerToken: Number(process.env.BULKHEAD_ADMIN_LOAD_MAX_IN_FLIGHT) } : {}),
      },
      log: { level: "warn" },
    }),
  );
  const store = new YamlFileStore(file);
  const { config, text } = await store.read();
  tuneHeapGrowth(); // as the CLI does
  const gateway = await startGateway(config, { store: { store, text } });
  process.on("message", (message: { kind: string }) => {
    if (message.kind === "stop") void gateway.close(0).then(() => process.exit(0));
  });
  const ready: AdminLoadChildReady = { bootstrap: `127.0.0.1:${first}`, control: `127.0.0.1:${controlPort}`, token: admin.token };
  process.send(ready);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
