import { describe, expect, it } from "vitest";
import { DROP_ELEMENT, entityPlan, walkFields, type EntityValue, type FieldVisitor, type WalkResult } from "../../../src/protocol/entity-walk.js";
import { API_BY_KEY, APIS } from "../../../src/protocol/messages/index.js";
import type { MetadataResponse } from "../../../src/protocol/messages/metadata.js";
import type { OffsetFetchResponse } from "../../../src/protocol/messages/offset-fetch.js";
import type { EntityType, MessageSchema } from "../../../src/protocol/schema.js";
import { Writer } from "../../../src/protocol/writer.js";
import { sampleMessage, versionsOf } from "./sample-message.js";

const NAMES: EntityType[] = ["topicName", "groupId", "transactionalId"];

/** walkFields along the entity plan of the given types. */
function walk(
  schema: MessageSchema,
  version: number,
  message: object,
  types: readonly EntityType[],
  visit: FieldVisitor<EntityType>,
): WalkResult {
  return walkFields(entityPlan(schema, version, types), message, visit);
}

/** Tenant "a.": strip the prefix, drop anything else. */
function stripTenant(value: EntityValue): EntityValue | typeof DROP_ELEMENT {
  const s = value as string;
  return s.startsWith("a.") ? s.slice(2) : DROP_ELEMENT;
}

describe("entity walk", () => {
  it("strips a prefix and drops foreign topics from a Metadata response", () => {
    const response: MetadataResponse = {
      brokers: [{ nodeId: 1, host: "h", port: 1 }],
      topics: [
        { errorCode: 0, name: "a.orders", partitions: [] },
        { errorCode: 0, name: "b.secret", partitions: [] },
        { errorCode: 3, name: null, topicId: "AAAAAAAAAAAAAAAAAAAAAA", partitions: [] },
      ],
    };
    const result = walk(APIS.Metadata.responseSchema, 12, response, NAMES, stripTenant);
    expect(response.topics.map((t) => t.name)).toEqual(["orders", null]);
    expect(result).toEqual({ changes: 2, droppedRoot: false });
  });

  it("drops nested elements where they sit (OffsetFetch v8 groups[].topics[])", () => {
    const response: OffsetFetchResponse = {
      groups: [
        { groupId: "a.g1", topics: [{ name: "a.t", partitions: [] }, { name: "b.t", partitions: [] }], errorCode: 0 },
        { groupId: "b.g2", topics: [], errorCode: 0 },
      ],
    };
    walk(APIS.OffsetFetch.responseSchema, 8, response, NAMES, stripTenant);
    expect(response.groups).toEqual([{ groupId: "g1", topics: [{ name: "t", partitions: [] }], errorCode: 0 }]);
  });

  it("rewrites and filters arrays of names ([]string)", () => {
    const request = { topicNames: ["x", "y"], timeoutMs: 1000 };
    walk(APIS.DeleteTopics.requestSchema, 5, request, NAMES, (v) => (v === "y" ? DROP_ELEMENT : `a.${String(v)}`));
    expect(request.topicNames).toEqual(["a.x"]);
  });

  it("reports a drop of a top-level field to the caller", () => {
    const request = { groupId: "b.g", sessionTimeoutMs: 1, memberId: "", protocolType: "consumer", protocols: [] };
    expect(walk(APIS.JoinGroup.requestSchema, 5, request, NAMES, stripTenant).droppedRoot).toBe(true);
  });

  it("only visits the requested entity types, in the requested version", () => {
    const seen: string[] = [];
    const response: MetadataResponse = {
      brokers: [{ nodeId: 7, host: "h", port: 1 }],
      controllerId: 7,
      topics: [{ errorCode: 0, name: "t", partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 7, replicaNodes: [7], isrNodes: [7] }] }],
    };
    walk(APIS.Metadata.responseSchema, 1, response, ["brokerId"], (v, type) => {
      seen.push(`${type}:${String(v)}`);
      return undefined;
    });
    // v1 has no offlineReplicas; names are not asked for.
    expect(seen).toEqual(["brokerId:7", "brokerId:7", "brokerId:7", "brokerId:7", "brokerId:7"]);
    expect(entityPlan(APIS.Fetch.responseSchema, 16, ["groupId"])).toEqual([]);
  });

  it("leaves every sample message of every API unchanged under an identity visitor", () => {
    let total = 0;
    for (const api of API_BY_KEY.values()) {
      for (const version of versionsOf([api.minVersion, api.maxVersion])) {
        for (const [schema, encode] of [
          [api.requestSchema, api.encodeRequest],
          [api.responseSchema, api.encodeResponse],
        ] as const) {
          const msg = sampleMessage(schema, version, 5);
          const bytes = (m: object): Buffer => {
            const w = new Writer();
            encode(w, version, m);
            return Buffer.concat(w.toChunks());
          };
          const before = bytes(msg);
          let visits = 0;
          const result = walk(schema, version, msg, [...NAMES, "brokerId", "producerId"], () => void visits++);
          expect(result.changes).toBe(0);
          expect(bytes(msg).equals(before)).toBe(true);
          total += visits;
        }
      }
    }
    expect(total).toBeGreaterThan(1000);
  });
});
