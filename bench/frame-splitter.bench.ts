// Frame splitter throughput: a socket's 64 KiB reads cut into Kafka frames, as views, never copied.
// Run alone: npx tsx bench/frame-splitter.bench.ts
import { FrameSplitter, type Frame } from "../src/protocol/frame-splitter.js";
import { runCases } from "./lib/report.js";
import { sizePrefixedStream, splitIntoChunks } from "./lib/streams.js";

const CHUNK = 64 * 1024;

/** Feeds every chunk through one splitter; checks the frame count so a broken splitter can't look fast. */
function splitAll(chunks: readonly Buffer[], expectedFrames: number): () => void {
  const splitter = new FrameSplitter(16 * 1024 * 1024);
  let frames = 0;
  let bodyBytes = 0;
  splitter.onFrame((frame: Frame) => {
    frames++;
    bodyBytes += frame.size;
  });
  return () => {
    frames = 0;
    bodyBytes = 0;
    for (const chunk of chunks) splitter.push(chunk);
    if (frames !== expectedFrames) throw new Error(`expected ${expectedFrames} frames, got ${frames} (${bodyBytes} bytes)`);
  };
}

// 1 MiB of 100-byte bodies (the size of small produce/heartbeat requests); frames straddle chunk edges.
const SMALL_BODY = 100;
const SMALL_COUNT = Math.floor((1024 * 1024) / (SMALL_BODY + 4));
const smallStream = sizePrefixedStream(Array.from({ length: SMALL_COUNT }, () => SMALL_BODY));
const smallChunks = splitIntoChunks(smallStream, CHUNK);

// One 1 MiB body (a large produce request or fetch response), 17 reads.
const bigStream = sizePrefixedStream([1024 * 1024]);
const bigChunks = splitIntoChunks(bigStream, CHUNK);

await runCases("frame splitter (64 KiB chunks)", [
  {
    name: `${SMALL_COUNT} frames of ${SMALL_BODY} B`,
    fn: splitAll(smallChunks, SMALL_COUNT),
    bytesPerOp: smallStream.length,
  },
  { name: "1 frame of 1 MiB", fn: splitAll(bigChunks, 1), bytesPerOp: bigStream.length },
]);
