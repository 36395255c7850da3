// Reference point for the e2e bench's "gateway CPU per MB": the CPU a bare Node TCP pipe (bench/pipe-child.ts,
// its own process) spends per MB moved, on this machine, now.
//   npx tsx bench/pipe-baseline.ts            (BULKHEAD_BENCH_PIPE_MIB, default 1024)
import net from "node:net";
import { fileURLToPath } from "node:url";
import { startGatewayProcess } from "./lib/gateway-process.js";

const totalMiB = Number(process.env.BULKHEAD_BENCH_PIPE_MIB ?? 1024);
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const totalBytes = totalMiB * 1024 * 1024;

// The sink: counts what arrives through the pipe.
let received = 0;
let allReceived: () => void = () => {};
const done = new Promise<void>((resolve) => (allReceived = resolve));
const sink = net.createServer((socket) => {
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received >= totalBytes) allReceived();
  });
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkPort = (sink.address() as net.AddressInfo).port;

const pipe = await startGatewayProcess({
  childScript: fileURLToPath(new URL("./pipe-child.ts", import.meta.url)),
  kafkaBootstrap: `127.0.0.1:${sinkPort}`,
  nodeIds: [0],
});
const [host, port] = pipe.bootstrap.split(":");
const sender = net.connect(Number(port), host);
sender.setNoDelay(true);
await new Promise<void>((resolve) => sender.once("connect", resolve));

const before = await pipe.sample();
const started = performance.now();
// 64 KiB writes, respecting backpressure, as a busy client would send.
for (let sent = 0; sent < totalBytes; sent += CHUNK.length) {
  if (!sender.write(CHUNK)) await new Promise((resolve) => sender.once("drain", resolve));
}
await done;
const seconds = (performance.now() - started) / 1000;
const after = await pipe.sample();
sender.destroy();
await pipe.stop();
sink.close();

const cpuMs = (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1000;
const systemMs = (after.cpuSystemUs - before.cpuSystemUs) / 1000;
console.log(
  `bare pipe: ${totalMiB} MiB in ${seconds.toFixed(2)} s (${(totalMiB / seconds).toFixed(0)} MiB/s); ` +
    `pipe process CPU ${cpuMs.toFixed(0)} ms = ${(cpuMs / totalMiB).toFixed(2)} ms per MiB ` +
    `(${(cpuMs / (totalBytes / 1e6)).toFixed(2)} ms per MB), ${((100 * systemMs) / cpuMs).toFixed(0)}% in the kernel`,
);
