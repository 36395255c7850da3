// Opens the TCP connection to a real broker: the given addresses are tried in turn, each with a
// connect timeout, so one dead bootstrap server doesn't fail the client while another is up.
import net from "node:net";
import type { HostPort } from "../config/types.js";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class UpstreamConnectError extends Error {
  readonly code = "UPSTREAM_UNREACHABLE";
  constructor(
    readonly reason: "connect" | "timeout",
    message: string,
  ) {
    super(message);
    this.name = "UpstreamConnectError";
  }
}

/** Reads into the caller's buffers instead of a Readable stream's (see net.connect's `onread`). */
export interface UpstreamReader {
  buffer(): Buffer;
  callback(nread: number, buffer: Buffer): boolean;
}

function connectOne(address: HostPort, timeoutMs: number, onread?: UpstreamReader): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port, noDelay: true, ...(onread && { onread }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UpstreamConnectError("timeout", `connect to ${address.host}:${address.port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new UpstreamConnectError("connect", `connect to ${address.host}:${address.port} failed: ${err.message}`));
    });
  });
}

/** The first address that accepts a connection; rejects with the last failure when none does. */
export async function connectFirst(
  addresses: readonly HostPort[],
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  onread?: UpstreamReader,
): Promise<net.Socket> {
  let lastError: UpstreamConnectError = new UpstreamConnectError("connect", "no upstream address to connect to");
  for (const address of addresses) {
    try {
      return await connectOne(address, timeoutMs, onread);
    } catch (err) {
      lastError = err as UpstreamConnectError;
    }
  }
  throw lastError;
}
