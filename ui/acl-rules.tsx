// A virtual cluster's ACL rules as a table. An operator adds a rule with the form and deletes one with its button
// (after a confirmation that names the rule); each saves the whole acls section (PUT), which the API validates.
import { useState } from "preact/hooks";
import { call } from "./api.js";
import type { AclRule, AclsSection, Changed } from "./api-types.js";
import { Action, confirmed } from "./action.js";
import { Field, onValue, Table } from "./layout.js";

/** Kafka's ACL resource types and operations as the config names them (src/acl/operations.ts); the API checks each rule. */
const RESOURCE_TYPES = ["topic", "group", "cluster", "transactionalId"];
const PATTERN_TYPES = ["literal", "prefixed"] as const;
const PERMISSIONS = ["allow", "deny"] as const;
const OPERATIONS = ["ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE"];

interface AclRulesProps {
  readonly canEdit: boolean;
  /** The acls API path. */
  readonly url: string;
  /** The virtual cluster's API path, whose queries a change makes stale. */
  readonly base: string;
  /** null: no acls section. */
  readonly acls: AclsSection | null;
}

/** A rule with the config's defaults filled in, as a table row and a confirmation say it. */
function shown(rule: AclRule) {
  return {
    principal: rule.principal,
    host: rule.host ?? "*",
    resourceType: rule.resourceType,
    patternType: rule.patternType ?? "literal",
    name: rule.name ?? (rule.resourceType === "cluster" ? "kafka-cluster" : "–"),
    operations: rule.operations.join(", "),
    permission: rule.permission ?? "allow",
  };
}

export function AclRules({ canEdit, url, base, acls }: AclRulesProps) {
  const rules = acls?.rules ?? [];
  const save = async (next: AclRule[]) => {
    const { version } = await call<Changed>("PUT", url, { ...acls, rules: next });
    return `saved as config version ${version.version}`;
  };
  const remove = (index: number) => async () => {
    const r = shown(rules[index]!);
    const what = `${r.permission} ${r.principal} ${r.operations} on ${r.resourceType} ${r.name} (${r.patternType}) from host ${r.host}`;
    if (!confirmed(`Delete the ACL rule "${what}"? Requests it matched are decided by the remaining rules (no match: denied).`)) return "kept";
    return save(rules.filter((_, i) => i !== index));
  };
  const rows = rules.map((rule, i) => {
    const r = shown(rule);
    const cells = [r.principal, r.host, r.resourceType, r.patternType, r.name, r.operations, r.permission];
    return canEdit ? [...cells, <Action label="Delete" class="danger small" run={remove(i)} invalidates={base} />] : cells;
  });
  const headers = ["Principal", "Host", "Resource type", "Pattern type", "Name", "Operations", "Permission"];
  return (
    <div>
      <Table headers={canEdit ? [...headers, ""] : headers} rows={rows} keys={rules.map((rule) => JSON.stringify(rule))} empty="no ACL rules" />
      {canEdit && <NewRule noAcls={acls === null} add={(rule) => save([...rules, rule])} base={base} />}
    </div>
  );
}

function NewRule({ noAcls, add, base }: { noAcls: boolean; add: (rule: AclRule) => Promise<string>; base: string }) {
  const [principal, setPrincipal] = useState("User:");
  const [host, setHost] = useState("*");
  const [resourceType, setResourceType] = useState("topic");
  const [patternType, setPatternType] = useState<(typeof PATTERN_TYPES)[number]>("literal");
  const [name, setName] = useState("");
  const [operation, setOperation] = useState("READ");
  const [permission, setPermission] = useState<(typeof PERMISSIONS)[number]>("allow");
  const run = async () => {
    // Turning ACLs on changes what every principal may do: say so first.
    if (noAcls && !confirmed("This virtual cluster has no ACLs yet: with this rule, Kafka's rules apply and every request no rule allows is denied. Add it?")) return "not added";
    const named = name.trim() === "" ? {} : { name: name.trim() };
    return add({ principal: principal.trim(), host: host.trim() || "*", resourceType, patternType, ...named, operations: [operation], permission });
  };
  return (
    <fieldset class="row">
      <legend>Add a rule</legend>
      <Field label="Principal">
        <input name="acl-principal" value={principal} onInput={onValue(setPrincipal)} placeholder="User:alice or User:*" />
      </Field>
      <Field label="Host">
        <input name="acl-host" value={host} size={10} onInput={onValue(setHost)} />
      </Field>
      <Choice label="Resource type" name="acl-resource-type" options={RESOURCE_TYPES} value={resourceType} set={setResourceType} />
      <Choice label="Pattern type" name="acl-pattern-type" options={PATTERN_TYPES} value={patternType} set={setPatternType} />
      <Field label="Name">
        <input name="acl-name" value={name} onInput={onValue(setName)} placeholder={resourceType === "cluster" ? "kafka-cluster" : "orders, or * for all"} />
      </Field>
      <Choice label="Operation" name="acl-operation" options={OPERATIONS} value={operation} set={setOperation} />
      <Choice label="Permission" name="acl-permission" options={PERMISSIONS} value={permission} set={setPermission} />
      <Action label="Add rule" run={run} invalidates={base} done={() => setName("")} />
    </fieldset>
  );
}

/** A labelled select of fixed options. */
function Choice<T extends string>({ label, name, options, value, set }: { label: string; name: string; options: readonly T[]; value: T; set: (value: T) => void }) {
  return (
    <Field label={label}>
      <select name={name} value={value} onChange={onValue((v) => set(v as T))}>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </Field>
  );
}
