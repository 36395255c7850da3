// Request validation with the routes' zod schemas. Query strings and path parameters get the parsed (coerced) values;
// a body is checked but passed on as sent, because a body is config text the user wrote ("1MiB/s", { env: NAME })
// that goes into the YAML document as is, and the whole new config is validated again before anything changes.
import type { FastifySchemaCompiler } from "fastify";
import type { z } from "zod";

export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = "FST_ERR_VALIDATION";

  constructor(
    readonly part: string,
    readonly details: readonly { path: string; reason: string }[],
  ) {
    super(`invalid ${part}: ${details.map((d) => `${d.path || "(root)"}: ${d.reason}`).join("; ")}`);
  }
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => (data) => {
  const result = schema.safeParse(data);
  if (result.success) return { value: httpPart === "body" ? data : result.data };
  const details = result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), reason: issue.message }));
  return { error: new RequestValidationError(httpPart ?? "request", details) };
};
