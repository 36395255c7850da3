// Counts the Buffer memory a piece of code allocates, by wrapping Buffer's allocation functions for
// the duration of one call. Used once per bench case to verify, never inside a timed loop.
// Buffer.concat and Buffer.from(buffer) are counted as well: concat allocates through
// Buffer.allocUnsafe, and from(buffer) is a copy by definition.

export interface Allocations {
  calls: number;
  bytes: number;
  /** Calls to Buffer.concat (a copy of every part: should be zero on the hot path). */
  concats: number;
}

type BufferStatics = Pick<typeof Buffer, "alloc" | "allocUnsafe" | "allocUnsafeSlow" | "concat" | "from">;

export function trackAllocations<T>(fn: () => T): { result: T; allocations: Allocations } {
  const allocations: Allocations = { calls: 0, bytes: 0, concats: 0 };
  const original: BufferStatics = {
    alloc: Buffer.alloc, allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow,
    concat: Buffer.concat, from: Buffer.from,
  };
  const count = (size: number) => {
    allocations.calls++;
    allocations.bytes += size;
  };
  const patched = Buffer as unknown as Record<keyof BufferStatics, (...args: unknown[]) => unknown>;
  patched.alloc = (size, ...rest) => (count(size as number), Reflect.apply(original.alloc, Buffer, [size, ...rest]));
  patched.allocUnsafe = (size) => (count(size as number), original.allocUnsafe(size as number));
  patched.allocUnsafeSlow = (size) => (count(size as number), original.allocUnsafeSlow(size as number));
  patched.concat = (...args) => {
    allocations.concats++;
    return Reflect.apply(original.concat, Buffer, args);
  };
  patched.from = (...args) => {
    const result = Reflect.apply(original.from, Buffer, args) as Buffer;
    // from(arrayBuffer, ...) is a view; anything else copies into new memory.
    if (!(args[0] instanceof ArrayBuffer || args[0] instanceof SharedArrayBuffer)) count(result.length);
    return result;
  };
  try {
    return { result: fn(), allocations };
  } finally {
    Object.assign(Buffer, original);
  }
}
