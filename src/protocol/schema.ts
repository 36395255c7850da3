/**
 * The field tree of each message as plain data (emitted by `npm run codegen` next to the codecs),
 * for generic walkers such as tenancy rewriting by `entityType`.
 */

/** Inclusive [min, max]; an open-ended range ("3+") has max 0x7fff, as in Kafka. */
export type VersionRange = readonly [min: number, max: number];

/** Kafka's entity annotations: what a field's value names. */
export type EntityType = "topicName" | "groupId" | "transactionalId" | "brokerId" | "producerId";

export interface FieldSchema {
  /** The property name in the decoded object (camelCase of Kafka's field name). */
  readonly name: string;
  /** Kafka's type: "int32", "string", "[]int32", "[]SomeStruct", "SomeStruct", "records"... */
  readonly type: string;
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly taggedVersions?: VersionRange;
  readonly tag?: number;
  readonly entityType?: EntityType;
  readonly mapKey?: true;
  readonly ignorable?: true;
  /** Fields of the struct (or of the array's element struct). */
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly apiKey: number;
  readonly type: "request" | "response";
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange | null;
  readonly fields: readonly FieldSchema[];
}

export function inVersionRange(range: VersionRange | null | undefined, version: number): boolean {
  return range !== null && range !== undefined && version >= range[0] && version <= range[1];
}
