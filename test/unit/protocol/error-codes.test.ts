import { describe, expect, it } from "vitest";
import { ErrorCode, errorCodeName, RETRIABLE_ERROR_CODES } from "../../../src/protocol/error-codes.js";

describe("Kafka error codes", () => {
  it("has the codes the gateway answers with", () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.TOPIC_AUTHORIZATION_FAILED).toBe(29);
    expect(ErrorCode.GROUP_AUTHORIZATION_FAILED).toBe(30);
    expect(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).toBe(31);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.INVALID_REQUEST).toBe(42);
    expect(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED).toBe(53);
    expect(ErrorCode.SASL_AUTHENTICATION_FAILED).toBe(58);
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100);
  });

  it("maps codes back to names and is one-to-one", () => {
    expect(errorCodeName(3)).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect(errorCodeName(9999)).toBe("UNKNOWN_9999");
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("marks retriable errors as Kafka does", () => {
    expect(RETRIABLE_ERROR_CODES.has(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(true);
    expect(RETRIABLE_ERROR_CODES.has(ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(false);
  });
});
