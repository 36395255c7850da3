import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { AdminError } from "../../../src/admin/admin-error.js";
import { AdminThread } from "../../../src/admin/admin-thread.js";
import type { Question, WorkerEvent } from "../../../src/admin/worker-protocol.js";
import type { GatewayConfig } from "../../../src/config/types.js";

const CONFIG = { clusters: [], virtualClusters: [{ name: "shop" }] } as unknown as GatewayConfig;
const WORKER = new URL("./fixtures/scripted-admin-worker.ts", import.meta.url);

describe("AdminThread", () => {
  let thread: AdminThread;
  const questions: Question[] = [];
  const events: WorkerEvent[] = [];
  const start = (timeoutMs = 30_000) => {
    thread = new AdminThread({
      answer: async (q) => {
        questions.push(q);
        return new Map([["orders", { produceBytesPerSecond: 1, fetchBytesPerSecond: 2 }]]);
      },
      report: (e) => events.push(e),
      log: pino({ level: "silent" }),
      timeoutMs,
      workerUrl: WORKER,
    });
    thread.apply(CONFIG);
    return thread;
  };
  afterEach(async () => {
    await thread?.close();
    questions.length = 0;
    events.length = 0;
  });

  it("knows the virtual clusters of the config in force, and runs nothing before it has one", async () => {
    const none = new AdminThread({ answer: () => undefined, report: () => {}, log: pino({ level: "silent" }), workerUrl: WORKER });
    expect(none.has("shop")).toBe(false);
    await expect(none.run("shop", undefined, "listTopics", undefined)).rejects.toMatchObject({ code: "ERR_ADMIN_WORKER", status: 503 });
    expect(start().has("shop")).toBe(true);
    expect(thread.has("other")).toBe(false);
  });

  it("runs an operation on another thread and gives back its answer with Buffers, not Uint8Arrays", async () => {
    const key = Buffer.from("k");
    const answer = (await start().run("shop", undefined, "readMessages", { topic: "t", partition: 0, key } as never)) as unknown as {
      messages: { key: Buffer }[];
      args: { key: Buffer };
    };
    expect(thread.threadId).toBeGreaterThan(0);
    expect(Buffer.isBuffer(answer.messages[0]!.key)).toBe(true);
    expect(answer.messages[0]!.key.toString()).toBe("hi");
    expect(answer.args.key).toEqual(key);
  });

  it("rejects arguments that can't cross to the worker, and keeps serving", async () => {
    start();
    await expect(thread.run("shop", undefined, "describeGroup", { groupId: "g", callback: () => {} } as never)).rejects.toThrow(/could not be cloned/);
    await expect(thread.run("shop", undefined, "describeGroup", { groupId: "g" })).rejects.toMatchObject({ code: "ERR_ADMIN_KAFKA" });
  });

  it("rejects with the worker's AdminError: code, HTTP status and Kafka error", async () => {
    const err = await start().run("shop", undefined, "describeGroup", { groupId: "g" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect(err).toMatchObject({ code: "ERR_ADMIN_KAFKA", status: 404, kafkaError: { code: 69, name: "GROUP_ID_NOT_FOUND" }, message: "describe group g failed with GROUP_ID_NOT_FOUND" });
  });

  it("answers the worker's questions and passes on what it reports", async () => {
    const answer = await start().run("shop", undefined, "listTopics", undefined);
    expect(questions).toEqual([{ kind: "throughput", virtualCluster: "shop" }]);
    expect(answer).toEqual({ answered: new Map([["orders", { produceBytesPerSecond: 1, fetchBytesPerSecond: 2 }]]) });
    expect(events).toEqual([{ kind: "capRefused", virtualCluster: "shop", cap: "topics" }]);
  });

  it("fails what a crashed worker had in flight with a 503, and starts a new one for the next operation", async () => {
    start();
    const silent = thread.run("shop", undefined, "listGroups", undefined);
    const crash = thread.run("shop", undefined, "deleteGroup", { groupId: "g" });
    const first = thread.threadId;
    for (const outcome of [crash, silent]) await expect(outcome).rejects.toMatchObject({ code: "ERR_ADMIN_WORKER", status: 503, message: expect.stringContaining("exit code 3") });
    await expect(thread.run("shop", undefined, "describeGroup", { groupId: "g" })).rejects.toMatchObject({ code: "ERR_ADMIN_KAFKA" });
    expect(thread.threadId).not.toBe(first);
  });

  it("fails an operation without an answer in time with a 504, and ends a worker that said nothing meanwhile", async () => {
    start(5_000); // well over what a worker takes to start under tsx, even beside the other unit files
    await thread.run("shop", undefined, "describeGroup", { groupId: "g" }).catch(() => undefined); // started
    const first = thread.threadId;
    await expect(thread.run("shop", undefined, "listGroups", undefined)).rejects.toMatchObject({ code: "ERR_ADMIN_TIMEOUT", status: 504, message: expect.stringContaining("within 5000 ms") });
    expect(thread.threadId).toBeUndefined();
    await expect(thread.run("shop", undefined, "describeGroup", { groupId: "g" })).rejects.toMatchObject({ code: "ERR_ADMIN_KAFKA" });
    expect(thread.threadId).not.toBe(first);
  });
});
