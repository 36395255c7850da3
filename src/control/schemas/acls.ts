// A virtual cluster's ACLs as the admin API reads and replaces them: the config file's `acls` section, as written.
import { z } from "zod";
import { aclRuleFields, aclsFields } from "../../config/acl-fields.js";
import { asWritten } from "../../config/written-form.js";

export const aclsSection = asWritten(aclsFields(aclRuleFields)).describe("the acls section as the config file writes it");
/** GET …/acls; null: no acls section (every principal may do what the API policy allows). */
export const aclsAnswer = z.object({ acls: aclsSection.nullable() });
