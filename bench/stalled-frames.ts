// The attack of issue 12, measured: N connections each declare a frame of `limits.maxFrameBytes` (100 MiB), send
// most of it and stall. Without a budget for unfinished requests the gateway holds every byte; with one it stops
// reading the connections it can't hold, and its resident memory stays near the budget plus a fixed margin.
// Reports the gateway's resident memory (VmRSS, and VmHWM = its peak) idle, and after the attack has sent all it
// could. The gateway runs as a child process (bench/budget-child.ts) with the default budgets; a broker must be up:
//
//   BULKHEAD_TEST_BOOTSTRAP=host:port,... npx tsx bench/stalled-frames.ts [connections=8] [sentMiB=90]
//
// The same script, copied into a checkout of an older revision, measures the gateway before the budgets.
import { readFileSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { startGatewayProcess } from "./lib/gateway-process.js";

const MiB = 1024 * 1024;
const DECLARED = 100 * MiB;
/** A connection that made no progress for this long is taken as stalled by the gateway. */
const STALL_MS = 2_000;

function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** Sends a size prefix declaring DECLARED bytes, then up to `bytes` of it; resolves with what the kernel took. */
async function attack(bootstrap: string, bytes: number): Promise<{ socket: net.Socket; sent: number }> {
  const at = bootstrap.lastIndexOf(":");
  const socket = net.connect({ host: bootstrap.slice(0, at), port: Number(bootstrap.slice(at + 1)) });
  socket.on("error", () => undefined);
  await new Promise((resolve) => socket.once("connect", resolve));
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(DECLARED, 0);
  socket.write(prefix);
  const piece = Buffer.alloc(MiB);
  let sent = 0;
  while (sent < bytes && !socket.destroyed) {
    sent += piece.length;
    if (socket.write(piece)) continue;
    // Backpressure: wait for the gateway to read, or give up once it has stopped reading this connection.
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => socket.once("drain", () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STALL_MS)),
    ]);
    if (!drained) break;
  }
  return { socket, sent: sent - socket.writableLength };
}

async function main(): Promise<void> {
  const kafkaBootstrap = process.env.BULKHEAD_TEST_BOOTSTRAP;
  if (kafkaBootstrap === undefined) throw new Error("set BULKHEAD_TEST_BOOTSTRAP to a running cluster (host:port,...)");
  const connections = Number(process.argv[2] ?? 8);
  const sentBytes = Number(process.argv[3] ?? 90) * MiB;
  const gateway = await startGatewayProcess({
    childScript: fileURLToPath(new URL("./budget-child.ts", import.meta.url)),
    kafkaBootstrap,
    nodeIds: [0],
  });
  try {
    const idle = memoryMiB(gateway.pid);
    const attacks = await Promise.all(Array.from({ length: connections }, () => attack(gateway.bootstrap, sentBytes)));
    const after = memoryMiB(gateway.pid);
    const sent = attacks.reduce((sum, a) => sum + a.sent, 0);
    console.log(
      JSON.stringify({
        connections,
        declaredMiBEach: DECLARED / MiB,
        triedMiBEach: sentBytes / MiB,
        sentMiBTotal: Math.round(sent / MiB),
        gatewayRssMiB: { idle: Math.round(idle.rss), afterAttack: Math.round(after.rss), peak: Math.round(after.peak) },
      }),
    );
    for (const a of attacks) a.socket.destroy();
  } finally {
    await gateway.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
