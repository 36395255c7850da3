// The admin API's roles, each allowed what the one before it is. Apart from control.ts so that the admin API's
// schemas, which the console's type check reads, can name them without the config's types.
export const CONTROL_ROLES = ["viewer", "operator", "admin"] as const;
export type ControlRole = (typeof CONTROL_ROLES)[number];
