import { describe, expect, it } from "vitest";
import { AdminError, check } from "../../../src/admin/admin-error.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";

describe("AdminError", () => {
  it.each([
    [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 403],
    [ErrorCode.GROUP_AUTHORIZATION_FAILED, 403],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 404],
    [ErrorCode.GROUP_ID_NOT_FOUND, 404],
    [ErrorCode.TOPIC_ALREADY_EXISTS, 409],
    [ErrorCode.NON_EMPTY_GROUP, 409],
    [ErrorCode.POLICY_VIOLATION, 409],
    [ErrorCode.INVALID_PARTITIONS, 400],
    [ErrorCode.THROTTLING_QUOTA_EXCEEDED, 429],
    [ErrorCode.NOT_COORDINATOR, 503],
    [ErrorCode.CORRUPT_MESSAGE, 502],
  ])("Kafka error %i is HTTP %i", (code, status) => {
    expect(AdminError.kafka(code, "an operation").status).toBe(status);
  });

  it("names the operation, the Kafka error and the broker's message", () => {
    const err = AdminError.kafka(ErrorCode.INVALID_PARTITIONS, "add partitions to orders", "Topic currently has 3 partitions");
    expect(err).toMatchObject({ code: "ERR_ADMIN_KAFKA", kafkaError: { code: ErrorCode.INVALID_PARTITIONS, name: "INVALID_PARTITIONS" } });
    expect(err.message).toBe("add partitions to orders failed with INVALID_PARTITIONS: Topic currently has 3 partitions");
    expect(AdminError.kafka(ErrorCode.INVALID_PARTITIONS, "x", null).message).toBe("x failed with INVALID_PARTITIONS");
  });

  it("gives failures that are not Kafka errors their own status", () => {
    expect(new AdminError("ERR_ADMIN_INVALID", "bad").status).toBe(400);
    expect(new AdminError("ERR_ADMIN_TIMEOUT", "slow").status).toBe(504);
    expect(new AdminError("ERR_ADMIN_UNREACHABLE", "down").status).toBe(503);
  });

  it("check() throws only for a non-zero code", () => {
    expect(() => check(0, "fine")).not.toThrow();
    expect(() => check(undefined, "fine")).not.toThrow();
    expect(() => check(ErrorCode.GROUP_ID_NOT_FOUND, "describe group g")).toThrow(/GROUP_ID_NOT_FOUND/);
  });
});
