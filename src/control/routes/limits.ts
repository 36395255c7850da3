// A virtual cluster's limits (byte rates and caps, config/README.md#byte-rates and #caps): operator.
import { virtualClusterLimits } from "../../config/limits.js";
import type { RouteGroup } from "../control-api.js";
import { limitsAnswer } from "../schemas/limits.js";
import { tenantSectionRoutes } from "./tenant-section.js";

export const limitRoutes: RouteGroup = (app, api) => tenantSectionRoutes(app, api, "limits", virtualClusterLimits, limitsAnswer, "limits (byte rates and caps)");
