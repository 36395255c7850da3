// The one way the console shows a failure: an API error as the API answered it ({ error: { code, message } }).
import { ApiError } from "./api.js";

export function ErrorView({ error }: { error: unknown }) {
  if (error instanceof ApiError) {
    const hint = error.status === 403 ? " (this token's role or ACL rules don't allow it)" : "";
    return (
      <div class="error" role="alert">
        <strong>{`${error.status === 0 ? "" : `${error.status} `}${error.code}`}</strong>
        {`: ${error.message}${hint}`}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      {String(error instanceof Error ? error.message : error)}
    </div>
  );
}
