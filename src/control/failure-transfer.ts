// Errors that cross between the control server (on the admin worker thread) and the main thread, which keeps the
// config service: a thrown error becomes its fields (structured-clonable) and then the same class again, so the
// API's error bodies don't depend on which thread threw (ApiError's status and code, ConfigError's file and issues,
// ConfigApplyError's 409). Anything else crosses as a plain Error with its message.
import { ConfigError, type ConfigIssue } from "../config/errors.js";
import { ApiError } from "./api-error.js";
import { ConfigApplyError } from "./config-service.js";

export type SentFailure =
  | { readonly kind: "api"; readonly status: number; readonly code: string; readonly message: string; readonly details?: unknown }
  | { readonly kind: "config"; readonly file: string; readonly issues: readonly ConfigIssue[] }
  | { readonly kind: "apply"; readonly code: string; readonly message: string }
  | { readonly kind: "other"; readonly message: string };

export function sendableFailure(err: unknown): SentFailure {
  if (err instanceof ApiError) return { kind: "api", status: err.status, code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) };
  if (err instanceof ConfigError) return { kind: "config", file: err.file, issues: err.issues.map((issue) => ({ ...issue })) };
  if (err instanceof ConfigApplyError) return { kind: "apply", code: err.code, message: err.message };
  return { kind: "other", message: err instanceof Error ? err.message : String(err) };
}

export function receivedFailure(sent: SentFailure): Error {
  switch (sent.kind) {
    case "api":
      return new ApiError(sent.status, sent.code, sent.message, sent.details);
    case "config":
      return new ConfigError(sent.file, sent.issues);
    case "apply":
      return new ConfigApplyError(sent.code, sent.message);
    case "other":
      return new Error(sent.message);
  }
}
