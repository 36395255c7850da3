import { describe, expect, it } from "vitest";
import { parseHostPort, parsePortRange } from "../../../src/config/addresses.js";

describe("address notations", () => {
  it.each([
    ["127.0.0.1:9092", { host: "127.0.0.1", port: 9092 }],
    ["kafka-0.example.com:19092", { host: "kafka-0.example.com", port: 19092 }],
    ["[::1]:9092", { host: "::1", port: 9092 }],
    ["localhost", 'expected "host:port" (or "[ipv6]:port"), got "localhost"'],
    ["::1:9092", 'expected "host:port" (or "[ipv6]:port"), got "::1:9092"'],
    ["host:0", 'port in "host:0" must be 1-65535'],
    ["host:65536", 'port in "host:65536" must be 1-65535'],
    ["host:9092 ", 'expected "host:port" (or "[ipv6]:port"), got "host:9092 "'],
  ])("parseHostPort(%j)", (text, expected) => expect(parseHostPort(text)).toEqual(expected));

  it.each([
    ["19093-19095", { first: 19093, last: 19095 }],
    ["19093 - 19093", { first: 19093, last: 19093 }],
    ["19095-19093", "first port 19095 is above last port 19093"],
    ["0-10", 'ports in "0-10" must be 1-65535'],
    ["19093", 'expected a port range "first-last", got "19093"'],
    ["a-b", 'expected a port range "first-last", got "a-b"'],
  ])("parsePortRange(%j)", (text, expected) => expect(parsePortRange(text)).toEqual(expected));
});
