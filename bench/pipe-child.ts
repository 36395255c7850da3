// The baseline for the gateway's CPU per MB: a bare Node TCP proxy, `client.pipe(upstream)` both ways,
// in its own process and speaking the gateway child's IPC protocol. Started by bench/pipe-baseline.ts.
import net from "node:net";
import type { ChildMessage, GatewayChildOptions, ParentMessage } from "./lib/gateway-ipc.js";

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

const options = JSON.parse(process.argv[2] ?? "") as GatewayChildOptions;
const [host, port] = options.kafkaBootstrap.split(":");
let bytesFromClients = 0;
let bytesToClients = 0;

const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on("data", (chunk: Buffer) => (bytesFromClients += chunk.length));
  upstream.on("data", (chunk: Buffer) => (bytesToClients += chunk.length));
  client.pipe(upstream).on("error", () => client.destroy());
  upstream.pipe(client).on("error", () => upstream.destroy());
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address() as net.AddressInfo;
  send({ type: "ready", bootstrap: `127.0.0.1:${address.port}` });
});

process.on("message", (message: ParentMessage) => {
  if (message.type === "sample") {
    const cpu = process.cpuUsage();
    send({ type: "sample", cpuUserUs: cpu.user, cpuSystemUs: cpu.system, bytesFromClients, bytesToClients, requests: 0 });
  } else if (message.type === "stop") {
    server.close();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
