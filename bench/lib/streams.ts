// Synthetic byte streams for the micro-benchmarks.

/** A stream of size-prefixed frames with the given body sizes; bodies are filled with a byte pattern. */
export function sizePrefixedStream(bodySizes: readonly number[]): Buffer {
  const total = bodySizes.reduce((sum, size) => sum + 4 + size, 0);
  const stream = Buffer.alloc(total);
  let offset = 0;
  for (const size of bodySizes) {
    offset = stream.writeInt32BE(size, offset);
    stream.fill(offset & 0xff, offset, offset + size);
    offset += size;
  }
  return stream;
}

/** Cuts a buffer into reads of `chunkSize` bytes, each in its own ArrayBuffer, as a socket delivers them. */
export function splitIntoChunks(stream: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += chunkSize) {
    chunks.push(Buffer.from(stream.subarray(offset, offset + chunkSize)));
  }
  return chunks;
}
