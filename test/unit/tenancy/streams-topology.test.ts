// KIP-1071 streams groups: a topology's source-topic regexes are confined to the namespace, its internal topics'
// configs held to the tenant's allowlist, and the heartbeat's status details scrubbed of the prefix.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { rewriteRequest, rewriteResponse } from "../../../src/tenancy/rewrite.js";
import { tenant } from "./tenant-fixture.js";

const heartbeat = (sourceTopicRegex: string[], changelogConfigs: { key: string; value: string }[] = []) => ({
  groupId: "app",
  memberId: "m",
  memberEpoch: 0,
  topology: {
    epoch: 0,
    subtopologies: [
      {
        subtopologyId: "0", sourceTopics: [], sourceTopicRegex, repartitionSinkTopics: [], copartitionGroups: [], repartitionSourceTopics: [],
        stateChangelogTopics: [{ name: "app-store-changelog", partitions: 0, replicationFactor: 0, topicConfigs: changelogConfigs }],
      },
    ],
  },
});

describe("streams group topology", () => {
  it("confines every source-topic regex to the namespace, like a KIP-848 subscription", () => {
    const msg = heartbeat(["words-.*", "other"]);
    expect(rewriteRequest(tenant(), ApiKey.StreamsGroupHeartbeat, 1, msg)).toMatchObject({ kind: "forward" });
    expect(msg.topology.subtopologies[0]!.sourceTopicRegex).toEqual(["\\Qpayments.\\E(?:words-.*)", "\\Qpayments.\\E(?:other)"]);
    expect(msg.topology.subtopologies[0]!.stateChangelogTopics[0]!.name).toBe("payments.app-store-changelog");
  });

  it("refuses a regex that could leave its group (STREAMS_INVALID_TOPOLOGY), nothing forwarded", () => {
    const outcome = rewriteRequest(tenant(), ApiKey.StreamsGroupHeartbeat, 1, heartbeat([".*)|(analytics\\..*"]));
    expect(outcome).toMatchObject({ kind: "respond", response: { errorCode: ErrorCode.STREAMS_INVALID_TOPOLOGY } });
  });

  it("holds internal topic configs to the tenant's allowlist (POLICY_VIOLATION), as CreateTopics", () => {
    const ok = heartbeat([], [{ key: "cleanup.policy", value: "compact" }]);
    expect(rewriteRequest(tenant(), ApiKey.StreamsGroupHeartbeat, 1, ok)).toMatchObject({ kind: "forward" });
    const refused = rewriteRequest(tenant(), ApiKey.StreamsGroupHeartbeat, 1, heartbeat([], [{ key: "unclean.leader.election.enable", value: "true" }]));
    expect(refused).toMatchObject({ kind: "respond", response: { errorCode: ErrorCode.POLICY_VIOLATION } });
  });

  it("a heartbeat without a topology (not joining) passes as it is, but for the group id", () => {
    const msg = { groupId: "app", memberId: "m", memberEpoch: 3, topology: null };
    expect(rewriteRequest(tenant(), ApiKey.StreamsGroupHeartbeat, 1, msg)).toMatchObject({ kind: "forward" });
    expect(msg.groupId).toBe("payments.app");
  });

  it("scrubs the prefix from status details", () => {
    const response = { errorMessage: null, status: [{ statusCode: 1, statusDetail: "Internal topics are missing: [payments.app-store-changelog]" }], partitionsByUserEndpoint: null };
    rewriteResponse(tenant(), ApiKey.StreamsGroupHeartbeat, 1, response, undefined);
    expect(response.status[0]!.statusDetail).toBe("Internal topics are missing: [app-store-changelog]");
  });
});
