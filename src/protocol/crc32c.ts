// CRC-32C (Castagnoli), the checksum of a record batch v2 (from its attributes to its end). Node's zlib has only
// CRC-32; a table-driven loop is enough for the control plane's few batches (the data path never computes one).

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32C of `chunks`, in order, as an unsigned 32-bit number. */
export function crc32c(chunks: Buffer | readonly Buffer[]): number {
  let crc = 0xffffffff;
  for (const chunk of Buffer.isBuffer(chunks) ? [chunks] : chunks) {
    for (const byte of chunk) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
