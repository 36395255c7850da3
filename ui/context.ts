// What every page gets: the caller, whether it may edit, the route's parts after the page, and for a virtual
// cluster's page, the virtual cluster.
import type { WhoAmI } from "./api-types.js";

/** What a platform page (gateway-wide, for an unscoped token) gets. */
export interface PlatformContext {
  readonly me: WhoAmI;
  /** Operator or admin: edit controls are shown (the API still decides). */
  readonly canEdit: boolean;
  /** The route after #/vc/<name>/<page>/ (or #/platform/<page>/), decoded. */
  readonly rest: readonly string[];
}

/** What a virtual cluster's page gets: the same, for one virtual cluster. */
export interface PageContext extends PlatformContext {
  readonly vc: string;
}
