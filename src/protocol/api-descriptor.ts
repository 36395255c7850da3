import type { Reader } from "./reader.js";
import type { MessageSchema } from "./schema.js";
import type { Writer } from "./writer.js";

/** What the codec knows about one API key (one entry of the generated `API_BY_KEY`). */
export interface ApiDescriptor<Req extends object = object, Res extends object = object> {
  readonly apiKey: number;
  /** Kafka's name without the Request/Response suffix, e.g. "Metadata". */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible (KIP-482) request version, or null when no version is flexible. */
  readonly requestFlexibleFrom: number | null;
  readonly responseFlexibleFrom: number | null;
  /** Kafka marks its newest version unstable (not advertised by brokers by default). */
  readonly latestVersionUnstable: boolean;
  /** Which Kafka listeners serve the API: "broker", "controller", "zkBroker"... */
  readonly listeners: readonly string[];
  // Method syntax on purpose: lets every typed descriptor sit in one ReadonlyMap<number, ApiDescriptor>.
  decodeRequest(r: Reader, version: number): Req;
  encodeRequest(w: Writer, version: number, msg: Req): void;
  decodeResponse(r: Reader, version: number): Res;
  encodeResponse(w: Writer, version: number, msg: Res): void;
  readonly requestSchema: MessageSchema;
  readonly responseSchema: MessageSchema;
}
