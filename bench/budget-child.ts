// The gateway under the budget benches (bench/stalled-frames.ts, bench/idle-connections.ts), in its own process so
// that its resident memory is its own. Options come as JSON in argv[2]: GatewayChildOptions plus `budgets` (passed
// to the config as given) and `otherPort` (a second virtual cluster, "other", with its bootstrap on that port and
// its broker ports after it). It answers the IPC of bench/lib/gateway-process.ts ("ready", "stop"). It only uses what every revision of the gateway
// has, so the same script measures the code before the budgets too.
import { startGateway } from "../src/gateway.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../test/harness/gateway.js";
import type { ChildMessage, GatewayChildOptions, ParentMessage } from "./lib/gateway-ipc.js";

const send = (message: ChildMessage): void => void process.send?.(message);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "") as GatewayChildOptions & { budgets?: object; otherPort?: number };
  const nodeIdBase = Math.min(...options.nodeIds);
  const brokerPorts = Math.max(...options.nodeIds) - nodeIdBase + 1;
  const virtualCluster = await testVirtualCluster("bench", "bench", brokerPorts, nodeIdBase);
  const listener = virtualCluster.listeners[0]!;
  const port = options.otherPort;
  const other = port === undefined ? [] : [{ ...virtualCluster, name: "other", prefix: "other.", listeners: [{ ...listener, bootstrapPort: port, brokerPorts: { first: port + 1, last: port + brokerPorts } }] }];
  const config = { ...testGatewayConfig([{ name: "bench", bootstrap: parseHostPorts(options.kafkaBootstrap) }], [virtualCluster, ...other]), budgets: options.budgets };
  const gateway = await startGateway(config);
  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") void gateway.close(1_000).finally(() => process.exit(0));
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", bootstrap: gateway.endpoints[0]!.bootstrap });
}

main().catch((err: unknown) => {
  send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
