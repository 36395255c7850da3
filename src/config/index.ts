// Public entry point of the config module.
export { loadConfig, parseConfig } from "./load.js";
export { ConfigError, type ConfigIssue } from "./errors.js";
export { parseHostPort, parsePortRange } from "./addresses.js";
export type * from "./types.js";
export { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "./topic-configs.js";
export { INTERNAL_TOPICS, KAFKA_MAX_TOPIC_NAME_LENGTH, MAX_PREFIX_LENGTH } from "./prefixes.js";
