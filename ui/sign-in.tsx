// Signing in: the user pastes a token, which the console keeps in this tab only (sessionStorage); the server never
// hands one out.
import { useState } from "preact/hooks";
import { ErrorView } from "./error-view.js";
import { onValue } from "./layout.js";

export function SignIn({ problem, onSignIn }: { problem: unknown; onSignIn: (token: string) => void }) {
  const [value, setValue] = useState("");
  const submit = (event: Event) => {
    event.preventDefault();
    onSignIn(value.trim());
  };
  return (
    <form class="signin" onSubmit={submit}>
      <h1>Bulkhead console</h1>
      <p>
        Paste a token from <code>bulkhead token create</code>. It is kept in this tab only (sessionStorage).
      </p>
      <input type="password" name="token" autocomplete="off" placeholder="paste an admin API token" required size={50} autoFocus value={value} onInput={onValue(setValue)} />
      <button type="submit">Sign in</button>
      {problem !== null && <ErrorView error={problem} />}
    </form>
  );
}
