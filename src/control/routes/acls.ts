// A virtual cluster's ACLs (README.md#authorization-acls): operator. DELETE removes the section: no ACLs at all.
import { aclsSchema } from "../../config/acls.js";
import type { RouteGroup } from "../control-api.js";
import { aclsAnswer } from "../schemas/acls.js";
import { tenantSectionRoutes } from "./tenant-section.js";

export const aclRoutes: RouteGroup = (app, api) => tenantSectionRoutes(app, api, "acls", aclsSchema, aclsAnswer, "ACLs");
