// SNI routing against real Kafka: two virtual clusters behind one TLS port, each with its own host names and its own
// certificate. kcat (librdkafka, in a mount namespace whose /etc/hosts has the names) reaches every broker of the
// 3-broker cluster through the one port: Metadata advertises the per-broker names, and a topic with a partition led by
// each broker is written and read back. kafkajs reaches the other virtual cluster through the same port and sees only
// its own topics. A host name no listener serves gets no certificate and no connection.
import net from "node:net";
import tls from "node:tls";
import { Kafka, logLevel, type Admin, type ITopicConfig, type ISocketFactory } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ListenerConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { makeTestCertificates, type TestCertificates } from "../../scripts/tls/certificates.js";
import { assertSucceeded, uniqueName } from "../harness/clients.js";
import { freePort, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKcatWithHosts } from "../harness/kcat.js";
import { waitUntil } from "../harness/wait.js";

const DOMAIN = "bulkhead.test";
const hostsOf = (tenant: string) => ({ bootstrapHost: `bootstrap.${tenant}.${DOMAIN}`, brokerHostPattern: `broker-{nodeId}.${tenant}.${DOMAIN}` });

/** kafkajs dials 127.0.0.1 for every name, and asks for the name itself in the TLS handshake (SNI). */
const viaLoopback: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const options = typeof ssl === "object" && ssl !== null ? (ssl as tls.ConnectionOptions) : {};
  return tls.connect({ ...options, host: "127.0.0.1", port, servername: host }, onConnect);
};

/**
 * The harness's createTopicsAndWait asks each broker over plain TCP; here only TLS with the right host name gets
 * through, so the wait goes through kafkajs itself: until every partition has a leader and its offsets answer.
 */
async function createAndWait(admin: Admin, topic: ITopicConfig): Promise<void> {
  // Not waitForLeaders: kafkajs gives up on the UNKNOWN_TOPIC_OR_PARTITION a 3.9 broker answers meanwhile.
  await admin.createTopics({ topics: [topic], waitForLeaders: false });
  await waitUntil(
    async () => {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic.topic] })).topics;
      if (metadata === undefined || metadata.partitions.some((p) => p.leader < 0)) return false;
      return (await admin.fetchTopicOffsets(topic.topic)).length === metadata.partitions.length;
    },
    { what: `topic ${topic.topic} with a leader for every partition`, timeoutMs: 60_000 },
  );
}

describe("SNI routing: one TLS port for every broker and two virtual clusters", () => {
  const kafka = inject("kafka");
  let gateway: Gateway;
  let port: number;
  const certs: Record<string, TestCertificates> = {};
  const vcs: Record<string, VirtualClusterConfig> = {};
  const closers: (() => Promise<unknown>)[] = [];
  const nodeIds = kafka.brokers.map((b) => b.nodeId);

  beforeAll(async () => {
    port = await freePort();
    for (const tenant of ["sni-a", "sni-b"]) {
      certs[tenant] = await makeTestCertificates([`*.${tenant}.${DOMAIN}`]);
      const vc = await testVirtualCluster(tenant, "shared", 1, 0);
      const listener: ListenerConfig = {
        name: "sni",
        bind: "127.0.0.1",
        bootstrapPort: port,
        nodeIdBase: 0,
        security: "tls",
        tls: { certificate: certs[tenant]!.certificate, privateKey: certs[tenant]!.privateKey },
        sni: hostsOf(tenant),
      };
      vcs[tenant] = { ...vc, prefix: `${uniqueName(tenant)}.`, listeners: [listener] };
    }
    gateway = await startGateway(testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], Object.values(vcs)));
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await gateway?.close(0);
  });

  const client = (tenant: string) =>
    new Kafka({ clientId: "sni-test", brokers: [`${hostsOf(tenant).bootstrapHost}:${port}`], ssl: { ca: [certs[tenant]!.ca] }, socketFactory: viaLoopback, logLevel: logLevel.NOTHING });

  it("kcat reaches every broker through the one port: Metadata names each by host name, and each broker's partition round-trips", async () => {
    const admin = client("sni-a").admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const topic = uniqueName("sni");
    // One partition led by each broker, so the messages go through every broker's route.
    const replicaAssignment = nodeIds.map((nodeId, partition) => ({ partition, replicas: [nodeId] }));
    await createAndWait(admin, { topic, replicaAssignment });

    const names = [hostsOf("sni-a").bootstrapHost, ...nodeIds.map((id) => hostsOf("sni-a").brokerHostPattern.replace("{nodeId}", String(id)))];
    const options = ["-b", `${hostsOf("sni-a").bootstrapHost}:${port}`, "-X", "security.protocol=SSL", "-X", `ssl.ca.location=${certs["sni-a"]!.caFile}`];
    const listing = assertSucceeded("kcat -L", await runKcatWithHosts(names, [...options, "-L", "-J", "-t", topic]));
    const metadata = JSON.parse(listing.stdout) as { brokers: { id: number; name: string }[]; topics: { partitions: { partition: number; leader: number }[] }[] };
    expect(metadata.brokers.map((b) => b.name).sort()).toEqual(nodeIds.map((id) => `broker-${id}.sni-a.${DOMAIN}:${port}`).sort());
    expect(new Set(metadata.topics[0]!.partitions.map((p) => p.leader))).toEqual(new Set(nodeIds));

    for (const [i] of nodeIds.entries()) {
      assertSucceeded(`kcat -P -p ${i}`, await runKcatWithHosts(names, [...options, "-P", "-t", topic, "-p", String(i)], { input: `on partition ${i}\n` }));
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const [i] of nodeIds.entries()) expect(Number(offsets.find((o) => o.partition === i)!.high)).toBeGreaterThanOrEqual(1);
    for (const [i] of nodeIds.entries()) {
      const consumed = assertSucceeded(`kcat -C -p ${i}`, await runKcatWithHosts(names, [...options, "-C", "-t", topic, "-p", String(i), "-o", "beginning", "-e"]));
      expect(consumed.stdout).toContain(`on partition ${i}`);
    }
  });

  it("the other virtual cluster on the same port (kafkajs, its own certificate) sees only its own topics", async () => {
    const admin = client("sni-b").admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const mine = uniqueName("sni-b-own");
    await createAndWait(admin, { topic: mine, numPartitions: 1, replicationFactor: 3 });
    const producer = client("sni-b").producer();
    await producer.connect();
    closers.push(() => producer.disconnect());
    await producer.send({ topic: mine, messages: [{ value: "through SNI" }] });
    // Each listing may ask another broker (3.9's learn a new topic one by one): the one that has it shows only it.
    const listed = await waitUntil(async () => {
      const names = await admin.listTopics();
      return names.includes(mine) ? names : undefined;
    }, { what: `a listing with ${mine}` });
    expect(listed).toEqual([mine]);
    const { brokers } = await admin.describeCluster();
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(nodeIds.map((id) => `broker-${id}.sni-b.${DOMAIN}:${port}`).sort());
  });

  it("a host name no listener serves, or none at all, gets no handshake", async () => {
    const handshake = (servername: string | undefined) =>
      new Promise<string>((resolve) => {
        const socket = tls.connect({ host: "127.0.0.1", port, ...(servername !== undefined && { servername }), ca: [certs["sni-a"]!.ca] }, () => {
          socket.destroy();
          resolve("connected");
        });
        socket.on("error", (err) => resolve(`error: ${err.message}`));
      });
    expect(await handshake(`bootstrap.other.${DOMAIN}`)).toMatch(/^error: /);
    expect(await handshake(undefined)).toMatch(/^error: /);
    expect(await handshake(hostsOf("sni-a").bootstrapHost)).toBe("connected");
    // And the port speaks only TLS: a plaintext Kafka client is cut off.
    const plain = net.connect({ host: "127.0.0.1", port });
    plain.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0, 0]));
    await new Promise((resolve) => plain.once("close", resolve));
  });
});
