// A virtual cluster's limits as the admin API reads and replaces them: the config file's `limits` section, as written.
import { z } from "zod";
import { virtualClusterLimits } from "../../config/limits.js";
import { asWritten } from "../../config/written-form.js";

export const limitsSection = asWritten(virtualClusterLimits).describe("byte rates and caps as the config file writes them");
/** GET …/limits; null: none set. */
export const limitsAnswer = z.object({ limits: limitsSection.nullable() });
