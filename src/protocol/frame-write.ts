// Writes one frame as its size prefix plus its body chunks, each chunk as-is: no concatenation,
// the caller's cork() turns the writes of one turn into a single writev.
import type { Writable } from "node:stream";

/** Writes a frame; returns false when the socket's buffer is over its high-water mark. */
export function writeFrame(socket: Writable, size: number, chunks: readonly Buffer[]): boolean {
  const prefix = Buffer.allocUnsafe(4); // small: comes from Node's shared pool
  prefix.writeInt32BE(size, 0);
  let ok = socket.write(prefix);
  for (const chunk of chunks) ok = socket.write(chunk);
  return ok;
}

export function byteLength(chunks: readonly Buffer[]): number {
  let n = 0;
  for (const chunk of chunks) n += chunk.length;
  return n;
}
