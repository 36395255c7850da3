// A virtual cluster's SASL users: listed with the SCRAM mechanisms they have credentials for, added with a password.
import { z } from "zod";
import { userName } from "../../config/user.js";
import { MAX_ITERATIONS, MIN_ITERATIONS } from "../../security/scram-iterations.js";
import { virtualClusterParams } from "./shared.js";

export const userParams = virtualClusterParams.extend({ user: z.string().min(1) });
export const user = z.object({ name: z.string(), mechanisms: z.array(z.enum(["SCRAM-SHA-256", "SCRAM-SHA-512"])) });
export const userList = z.object({ users: z.array(user) });
export const newUser = z.strictObject({
  name: userName,
  password: z.string().min(1, "must not be empty").describe("hashed on arrival; never stored or echoed"),
  iterations: z.int().min(MIN_ITERATIONS).max(MAX_ITERATIONS).optional(),
});
