// One base class for every error the gateway raises, undici style: a stable machine-readable `code` that callers,
// logs and tests match on, and a message for people. Policy refusals are not errors: a filter refuses with a
// verdict (see src/filters/filter.ts), which is counted and logged as a refusal.

export class BulkheadError extends Error {
  override name = "BulkheadError";

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
