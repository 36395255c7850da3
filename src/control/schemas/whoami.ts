// Who the caller's token is (GET /api/v1/whoami).
import { z } from "zod";
import { CONTROL_ROLES } from "../../config/control-roles.js";

export const whoAmI = z.object({ name: z.string(), role: z.enum(CONTROL_ROLES), virtualCluster: z.string().nullable() });
