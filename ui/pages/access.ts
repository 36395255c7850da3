// ACLs, users and limits of a virtual cluster: shown as the config file writes them; an operator edits the ACLs and
// limits as JSON (the API validates the whole config and answers every problem's path) and adds or removes users.
import { call, enc, get } from "../api.js";
import type { User } from "../api-types.js";
import { action, confirmed, type PageContext } from "../context.js";
import { field, h, table } from "../dom.js";

export async function accessPage(ctx: PageContext): Promise<Node> {
  const base = `/virtual-clusters/${enc(ctx.vc)}`;
  const [{ acls }, { limits }, { users }] = await Promise.all([
    get<{ acls: unknown }>(`${base}/acls`, ctx.signal),
    get<{ limits: unknown }>(`${base}/limits`, ctx.signal),
    get<{ users: User[] }>(`${base}/users`, ctx.signal),
  ]);
  const noAcls = "No ACLs: every principal that reaches this virtual cluster may do what the API policy allows. With an acls section (even {}), Kafka's rules apply and no matching rule means deny.";
  return h(
    "section",
    null,
    h("h2", null, "ACLs, users and limits"),
    section(ctx, `${base}/acls`, "ACLs", acls, noAcls),
    usersSection(ctx, `${base}/users`, users),
    section(ctx, `${base}/limits`, "Limits", limits, "No limits."),
  );
}

function section(ctx: PageContext, url: string, title: string, value: unknown, none: string): HTMLElement {
  const text = value === null ? "" : JSON.stringify(value, null, 2);
  const hint = value === null ? h("p", { class: "empty" }, none) : null;
  if (!ctx.canEdit) return h("div", null, h("h3", null, title), hint ?? h("pre", null, text));
  const editor = h("textarea", { name: title.toLowerCase(), rows: Math.min(20, text.split("\n").length + 2), cols: 80, spellcheck: false, value: text });
  return h(
    "div",
    null,
    h("h3", null, title),
    hint,
    editor,
    h(
      "div",
      null,
      action(`Save ${title}`, async () => {
        let body: unknown;
        try {
          body = JSON.parse(editor.value);
        } catch (err) {
          throw new Error(`not JSON: ${(err as Error).message}`, { cause: err });
        }
        const { version } = await call<{ version: { version: number } }>("PUT", url, body);
        return `saved as config version ${version.version}`;
      }),
    ),
  );
}

function usersSection(ctx: PageContext, url: string, users: User[]): HTMLElement {
  const rows = users.map((u) => [
    u.name,
    u.mechanisms.join(", "),
    ctx.canEdit
      ? action("Remove", async () => {
          if (!confirmed(`Remove user ${u.name}? Its clients can no longer log in.`)) return "kept";
          await call("DELETE", `${url}/${enc(u.name)}`);
          ctx.refresh();
        })
      : null,
  ]);
  const name = h("input", { name: "user-name" });
  const password = h("input", { name: "user-password", type: "password", autocomplete: "new-password" });
  return h(
    "div",
    null,
    h("h3", null, "Users"),
    table(["Name", "SCRAM mechanisms", ""], rows, "no SASL users"),
    ctx.canEdit
      ? h(
          "div",
          { class: "row" },
          field("Name", name),
          field("Password", password),
          action("Add user", async () => {
            await call("POST", url, { name: name.value.trim(), password: password.value });
            ctx.refresh();
          }),
        )
      : null,
  );
}
