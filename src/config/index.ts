// Public entry point of the config module.
export { loadConfig, parseConfig } from "./load.js";
export { ConfigError, type ConfigIssue } from "./errors.js";
export { parseHostPort, parsePortRange } from "./addresses.js";
export type * from "./types.js";
