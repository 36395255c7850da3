import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { uuidString } from "../../../src/protocol/uuid-strings.js";

describe("uuidString", () => {
  it("is Buffer#toString('base64url') of the 16 bytes, for new ids and for ids seen before", () => {
    const ids = Array.from({ length: 300 }, () => randomBytes(16));
    for (let round = 0; round < 3; round++) {
      for (const id of ids) expect(uuidString(id, 0)).toBe(id.toString("base64url"));
    }
  });

  it("reads at an offset and never answers one id with another that shares its slot", () => {
    // Same xor of the four words (so the same slot), different bytes: the words are compared, not the slot.
    const a = Buffer.alloc(20, 0);
    a.writeInt32BE(0x01020304, 4);
    a.writeInt32BE(0x01020304, 8);
    const b = Buffer.alloc(20, 0);
    b.writeInt32BE(0x05060708, 4);
    b.writeInt32BE(0x05060708, 8);
    for (let i = 0; i < 3; i++) {
      expect(uuidString(a, 4)).toBe(a.toString("base64url", 4, 20));
      expect(uuidString(b, 4)).toBe(b.toString("base64url", 4, 20));
    }
    expect(uuidString(a, 4)).not.toBe(uuidString(b, 4));
  });
});
