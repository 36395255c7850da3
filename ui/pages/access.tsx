// ACLs, users and limits of a virtual cluster, with its use of each limit. ACL rules are a table an operator adds to and
// deletes from (acl-rules.tsx); the rest of the acls section and the limits are edited as JSON (the API validates the
// whole config and answers every problem's path: a form for every limit key would be a second copy of the schema);
// an operator adds and removes users.
import { useEffect, useState } from "preact/hooks";
import { call, enc } from "../api.js";
import type { AclsAnswer, AclsSection, Changed, LimitsAnswer, LimitsSection, User, UserList } from "../api-types.js";
import { AclRules } from "../acl-rules.js";
import { Action, confirmed } from "../action.js";
import type { PageContext } from "../context.js";
import { Field, onValue, Table } from "../layout.js";
import { settled, useApi } from "../queries.js";
import { UsageTable } from "../usage-table.js";

const NO_ACLS = "No ACLs: every principal that reaches this virtual cluster may do what the API policy allows. With an acls section (even {}), Kafka's rules apply and no matching rule means deny.";

export function AccessPage({ ctx }: { ctx: PageContext }) {
  const base = `/virtual-clusters/${enc(ctx.vc)}`;
  const ready = settled(useApi<AclsAnswer>(`${base}/acls`), useApi<LimitsAnswer>(`${base}/limits`), useApi<UserList>(`${base}/users`));
  if (!ready.ok) return ready.view;
  const [{ acls }, { limits }, { users }] = ready.data;
  return (
    <section>
      <h2>ACLs, users and limits</h2>
      <h3>ACL rules</h3>
      {acls === null ? <p class="empty">{NO_ACLS}</p> : <p class="hint">{aclSettings(acls)}</p>}
      <AclRules canEdit={ctx.canEdit} url={`${base}/acls`} base={base} acls={acls} />
      <details>
        <summary>The acls section as JSON{ctx.canEdit ? " (super users, allowIfNoAclFound, every rule)" : ""}</summary>
        <JsonSection canEdit={ctx.canEdit} base={base} section="acls" title="ACLs" value={acls} none={NO_ACLS} />
      </details>
      <Users canEdit={ctx.canEdit} url={`${base}/users`} users={users} />
      <h3>Usage against limits</h3>
      <p class="hint">On this gateway instance, refreshed every 5 s. A byte rate's use is its bucket: 100 % when a second's worth was just used, over 100 % while clients are throttled.</p>
      <UsageTable vc={ctx.vc} />
      <JsonSection canEdit={ctx.canEdit} base={base} section="limits" title="Limits" value={limits} none="No limits." />
    </section>
  );
}

/** The acls section's keys besides its rules, in words. */
function aclSettings(acls: AclsSection): string {
  const supers = acls.superUsers ?? [];
  const superUsers = supers.length === 0 ? "no super users" : `super users: ${supers.join(", ")}`;
  return `${superUsers}; a request no rule matches is ${acls.allowIfNoAclFound === true ? "allowed (allowIfNoAclFound)" : "denied"}.`;
}

interface JsonSectionProps {
  readonly canEdit: boolean;
  /** The virtual cluster's API path: a saved section changes what its other pages show too. */
  readonly base: string;
  readonly section: "acls" | "limits";
  readonly title: string;
  /** null: the section is absent. */
  readonly value: AclsSection | LimitsSection | null;
  readonly none: string;
}

/** A config section as JSON; an operator edits and saves it whole. */
function JsonSection({ canEdit, base, section, title, value, none }: JsonSectionProps) {
  const written = value === null ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(written);
  // A change saved elsewhere (a rule added in the ACL table) shows here too.
  useEffect(() => setText(written), [written]);
  const hint = value === null ? <p class="empty">{none}</p> : null;
  if (!canEdit) {
    return (
      <div>
        <h3>{title}</h3>
        {hint ?? <pre>{written}</pre>}
      </div>
    );
  }
  const save = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new Error(`not JSON: ${(err as Error).message}`, { cause: err });
    }
    const { version } = await call<Changed>("PUT", `${base}/${section}`, body);
    return `saved as config version ${version.version}`;
  };
  return (
    <div>
      <h3>{title}</h3>
      {hint}
      <textarea name={section} rows={Math.min(20, text.split("\n").length + 2)} cols={80} spellcheck={false} value={text} onInput={onValue(setText)} />
      <div>
        <Action label={`Save ${title}`} run={save} invalidates={base} />
      </div>
    </div>
  );
}

function Users({ canEdit, url, users }: { canEdit: boolean; url: string; users: readonly User[] }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const remove = (user: string) => async () => {
    if (!confirmed(`Remove user ${user}? Its clients can no longer log in.`)) return "kept";
    await call("DELETE", `${url}/${enc(user)}`);
  };
  const rows = users.map((u) => [u.name, u.mechanisms.join(", "), canEdit ? <Action label="Remove" run={remove(u.name)} invalidates={url} /> : null]);
  const added = () => {
    setName("");
    setPassword("");
  };
  return (
    <div>
      <h3>Users</h3>
      <Table headers={["Name", "SCRAM mechanisms", ""]} rows={rows} keys={users.map((u) => u.name)} empty="no SASL users" />
      {canEdit && (
        <div class="row">
          <Field label="Name">
            <input name="user-name" value={name} onInput={onValue(setName)} />
          </Field>
          <Field label="Password">
            <input name="user-password" type="password" autocomplete="new-password" value={password} onInput={onValue(setPassword)} />
          </Field>
          <Action label="Add user" run={() => call("POST", url, { name: name.trim(), password })} invalidates={url} done={added} />
        </div>
      )}
    </div>
  );
}
