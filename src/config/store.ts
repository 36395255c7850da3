// Where the gateway's config lives. The control plane reads the current document and writes whole new ones through
// this interface only, so a shared store for a fleet of gateway instances can replace the YAML file later.
import type { GatewayConfig } from "./types.js";

/** A document as stored, and the validated config it makes. */
export interface ConfigSnapshot {
  readonly text: string;
  readonly config: GatewayConfig;
}

export interface ConfigStore {
  /** A name for errors and logs (the file's path). */
  readonly name: string;
  /** Reads and validates the stored document; rejects with a ConfigError naming file, path and reason. */
  read(): Promise<ConfigSnapshot>;
  /** Validates `text` as a whole config, as it would be read back from this store (secrets resolved the same way). */
  validate(text: string): GatewayConfig;
  /** Replaces the stored document atomically: a reader sees the old one or the new one, never a mix. */
  write(text: string): Promise<void>;
}
