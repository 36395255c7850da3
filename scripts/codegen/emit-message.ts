/**
 * Emits one TypeScript module per API (request + response): interfaces, per-version decoders and
 * encoders, and the schema tree as data.
 *
 * The generated code checks versions with plain comparisons at each field and builds objects
 * directly: no closures, no per-field tables at run time. Conditions that are constant within a
 * struct's versions (e.g. "flexible" for a struct only used in flexible versions) are folded away.
 */
import {
  covers,
  hull,
  intersect,
  OPEN,
  parseRange,
  PRIMITIVES,
  type FieldSpec,
  type MessageSpec,
  type Range,
  validVersionsOf,
} from "./spec.js";

/** A struct of one message (the message itself is the root struct). */
interface Struct {
  jsonName: string;
  tsName: string;
  fields: FieldSpec[];
  about?: string;
  /** Versions in which the struct appears (hull of its usages); null = never. */
  ctx: Range | null;
}

interface MessageModel {
  spec: MessageSpec;
  valid: Range;
  flexible: Range | null;
  root: Struct;
  /** Nested structs by their JSON type name, in first-seen order. */
  structs: Map<string, Struct>;
}

const RESERVED_TS_NAMES = new Set(["Reader", "Writer", "TaggedField", "Buffer", "Error", "Record", "Map", "Set", "Array", "Object"]);

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function elementType(type: string): string {
  return type.startsWith("[]") ? type.slice(2) : type;
}

function isStructType(type: string): boolean {
  return !PRIMITIVES.has(elementType(type));
}

/** Versions where a field is on the wire within `ctx` (tagged fields only in their tagged versions). */
function presence(f: FieldSpec, ctx: Range | null): Range | null {
  const v = intersect(parseRange(f.versions), ctx);
  return f.tag === undefined ? v : intersect(v, parseRange(f.taggedVersions));
}

export function buildModel(spec: MessageSpec): MessageModel {
  const valid = validVersionsOf(spec);
  if (valid === null) throw new Error(`${spec.name}: no validVersions`);
  const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s]));
  const structs = new Map<string, Struct>();

  const visit = (fields: FieldSpec[], ctx: Range | null): void => {
    for (const f of fields) {
      if (f.tag !== undefined) {
        const tagged = parseRange(f.taggedVersions);
        const versions = parseRange(f.versions);
        // Kafka allows a field to be tagged in some versions and regular in others; no spec does it.
        if (tagged === null || versions === null || tagged.lo !== versions.lo) {
          throw new Error(`${spec.name}.${f.name}: partially tagged fields are not supported`);
        }
      }
      if (!isStructType(f.type)) continue;
      const jsonName = elementType(f.type);
      const here = presence(f, ctx);
      let s = structs.get(jsonName);
      if (s === undefined) {
        const fieldsOf = f.fields ?? common.get(jsonName)?.fields;
        if (fieldsOf === undefined) throw new Error(`${spec.name}: struct ${jsonName} has no fields`);
        s = { jsonName, tsName: jsonName, fields: fieldsOf, about: f.about, ctx: null };
        structs.set(jsonName, s);
      }
      s.ctx = hull(s.ctx, here);
      visit(s.fields, here);
    }
  };
  visit(spec.fields, valid);
  const root: Struct = { jsonName: spec.name, tsName: spec.name, fields: spec.fields, ctx: valid };
  return { spec, valid, flexible: parseRange(spec.flexibleVersions), root, structs };
}

/** Gives nested structs unique TS names within one module (request and response share it). */
export function assignNames(models: MessageModel[]): void {
  const seen = new Map<string, number>();
  for (const m of models) for (const s of m.structs.values()) seen.set(s.jsonName, (seen.get(s.jsonName) ?? 0) + 1);
  const tops = new Set(models.map((m) => m.spec.name));
  for (const m of models) {
    for (const s of m.structs.values()) {
      const clash = (seen.get(s.jsonName) ?? 0) > 1 || RESERVED_TS_NAMES.has(s.jsonName) || tops.has(s.jsonName);
      s.tsName = clash ? m.spec.name + s.jsonName : s.jsonName;
    }
  }
}

// ---- expressions -------------------------------------------------------------------------

/** A version condition within `ctx`, folded to "true"/"false" when constant there. */
function cond(range: Range | null, ctx: Range): string {
  const inside = intersect(range, ctx);
  if (inside === null) return "false";
  if (covers(range, ctx)) return "true";
  const parts: string[] = [];
  if (range!.lo > ctx.lo) parts.push(`version >= ${range!.lo}`);
  if (range!.hi < ctx.hi) parts.push(`version <= ${range!.hi}`);
  return parts.join(" && ");
}

function fmtRange(r: Range): string {
  if (r.hi === OPEN) return `${r.lo}+`;
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
}

const NUMBER_TYPES = new Set(["int8", "int16", "uint16", "int32", "uint32", "float64"]);

function baseTsType(type: string, structs: Map<string, Struct>): string {
  if (NUMBER_TYPES.has(type)) return "number";
  switch (type) {
    case "bool":
      return "boolean";
    case "int64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    case "bytes":
      return "Buffer";
    case "records":
      return "Buffer[]";
    default:
      return structs.get(type)!.tsName;
  }
}

const READ_FIXED: Record<string, string> = {
  bool: "r.readBoolean()",
  int8: "r.readInt8()",
  int16: "r.readInt16()",
  uint16: "r.readUint16()",
  int32: "r.readInt32()",
  uint32: "r.readUint32()",
  int64: "r.readInt64()",
  float64: "r.readFloat64()",
  uuid: "r.readUuid()",
};

const WRITE_FIXED: Record<string, string> = {
  bool: "writeBoolean",
  int8: "writeInt8",
  int16: "writeInt16",
  uint16: "writeUint16",
  int32: "writeInt32",
  uint32: "writeUint32",
  int64: "writeInt64",
  float64: "writeFloat64",
  uuid: "writeUuid",
};

/** Picks among the compact/classic × nullable/not variants, folding constant conditions. */
function pick(flex: string, nul: string, variant: (compact: boolean, nullable: boolean) => string): string {
  const byNull = (compact: boolean): string => {
    if (nul === "true") return variant(compact, true);
    if (nul === "false") return variant(compact, false);
    return `(${nul} ? ${variant(compact, true)} : ${variant(compact, false)})`;
  };
  if (flex === "true") return byNull(true);
  if (flex === "false") return byNull(false);
  return `(${flex} ? ${byNull(true)} : ${byNull(false)})`;
}

/** Statement form of `pick` for writes (calls returning void). */
function pickStmt(flex: string, nul: string, variant: (compact: boolean, nullable: boolean) => string): string {
  const byNull = (compact: boolean): string => {
    if (nul === "true") return `${variant(compact, true)};`;
    if (nul === "false") return `${variant(compact, false)};`;
    return `{ if (${nul}) ${variant(compact, true)}; else ${variant(compact, false)}; }`;
  };
  if (flex === "true") return byNull(true);
  if (flex === "false") return byNull(false);
  return `if (${flex}) ${byNull(true)} else ${byNull(false)}`;
}

function defaultLiteral(f: FieldSpec, owner: string): string {
  const type = f.type;
  const d = f.default;
  if (d === "null") return "null";
  if (type.startsWith("[]")) return "[]";
  if (NUMBER_TYPES.has(type)) {
    if (d === undefined || d === "") return "0";
    const n = /^-?0x/i.test(d) ? (d.startsWith("-") ? -parseInt(d.slice(1), 16) : parseInt(d, 16)) : Number(d);
    if (!Number.isFinite(n)) throw new Error(`${owner}.${f.name}: bad default ${d}`);
    return String(n);
  }
  switch (type) {
    case "int64":
      return `${d === undefined || d === "" ? 0n : BigInt(d)}n`;
    case "bool":
      return d === "true" ? "true" : "false";
    case "string":
      return JSON.stringify(d ?? "");
    case "uuid":
      return JSON.stringify("AAAAAAAAAAAAAAAAAAAAAA");
    case "bytes":
      return "Buffer.alloc(0)";
    case "records":
      return parseRange(f.nullableVersions) === null ? "[]" : "null";
    default:
      throw new Error(`${owner}.${f.name}: a struct field absent in some versions needs "default": "null"`);
  }
}

/** The check that a value equals its default (for fields that must not be dropped silently). */
function nonDefault(f: FieldSpec, v: string, owner: string): string {
  const d = defaultLiteral(f, owner);
  if (d === "null") return `${v} !== null`;
  if (f.type.startsWith("[]") || f.type === "bytes" || f.type === "records") {
    return parseRange(f.nullableVersions) === null ? `${v}.length > 0` : `(${v} === null || ${v}.length > 0)`;
  }
  return `${v} !== ${d}`;
}

// ---- struct emission ---------------------------------------------------------------------

class StructEmitter {
  private depth = 0;
  private readonly flexRange: Range | null;

  constructor(
    private readonly model: MessageModel,
    private readonly struct: Struct,
    private readonly ctx: Range,
  ) {
    this.flexRange = model.flexible;
  }

  /** Fields that exist in some version of this struct's context. */
  get fields(): FieldSpec[] {
    return this.struct.fields.filter((f) => presence(f, this.ctx) !== null);
  }

  private path(f: FieldSpec): string {
    return `${this.struct.tsName}.${camel(f.name)}`;
  }

  private flexCond(f: FieldSpec, ctx: Range): string {
    // Tagged values are always in compact form; a field may also opt out (flexibleVersions "none").
    if (f.tag !== undefined) return "true";
    if (f.flexibleVersions !== undefined) return cond(parseRange(f.flexibleVersions), ctx);
    const c = cond(this.flexRange, ctx);
    return c === "true" || c === "false" ? c : "flexible";
  }

  private nullCond(f: FieldSpec, ctx: Range): string {
    return cond(parseRange(f.nullableVersions), ctx);
  }

  /** Whether null is part of the field's TS type (nullable in some version of the context). */
  private typeHasNull(f: FieldSpec): boolean {
    return intersect(parseRange(f.nullableVersions), presence(f, this.ctx)) !== null;
  }

  /** Required property: always on the wire, never tagged, in every version of the struct. */
  isRequired(f: FieldSpec): boolean {
    return f.tag === undefined && covers(parseRange(f.versions), this.ctx);
  }

  tsType(f: FieldSpec): string {
    const structs = this.model.structs;
    let t = f.type.startsWith("[]") ? `${baseTsType(elementType(f.type), structs)}[]` : baseTsType(f.type, structs);
    if (this.typeHasNull(f)) t += " | null";
    return t;
  }

  emitInterface(): string[] {
    const s = this.struct;
    const out: string[] = [];
    if (s.about) out.push(`/** ${s.about.replace(/\*\//g, "* /")} */`);
    out.push(`export interface ${s.tsName} {`);
    for (const f of this.fields) {
      const versions = fmtRange(presence(f, this.ctx)!);
      const notes = [`versions ${versions}`];
      if (f.tag !== undefined) notes.push(`tag ${f.tag}`);
      const nullable = intersect(parseRange(f.nullableVersions), presence(f, this.ctx));
      if (nullable) notes.push(`nullable ${fmtRange(nullable)}`);
      if (f.entityType) notes.push(`entity ${f.entityType}`);
      const about = (f.about ?? "").replace(/\*\//g, "* /");
      out.push(`  /** ${about}${about ? " " : ""}(${notes.join(", ")}) */`);
      out.push(`  ${camel(f.name)}${this.isRequired(f) ? "" : "?"}: ${this.tsType(f)};`);
    }
    if (intersect(this.flexRange, this.ctx) !== null) {
      out.push("  /** Tagged fields this codec has no schema for, written back unchanged. */");
      out.push("  unknownTaggedFields?: TaggedField[];");
    }
    out.push("}");
    return out;
  }

  // -- decoding --

  emitDecoder(exported: boolean, checkVersion: boolean): string[] {
    const s = this.struct;
    const body: string[] = [];
    for (const f of this.fields) {
      if (f.tag !== undefined) continue;
      const present = presence(f, this.ctx)!;
      const c = cond(present, this.ctx);
      const read = this.readInto(f, `o.${camel(f.name)}`, present);
      if (c === "true") body.push(...read);
      else body.push(`if (${c}) {`, ...indent(unblock(read)), "}");
    }
    body.push(...this.decodeTagged());
    const head = this.functionHead(s, body, checkVersion);
    return [
      `${exported ? "export " : ""}function decode${s.tsName}(r: Reader, version: number): ${s.tsName} {`,
      ...indent(head),
      `  const o = {} as ${s.tsName};`,
      ...indent(body),
      "  return o;",
      "}",
    ];
  }

  private readInto(f: FieldSpec, target: string, ctx: Range): string[] {
    const flex = this.flexCond(f, ctx);
    const nul = this.nullCond(f, ctx);
    const structs = this.model.structs;
    if (f.type.startsWith("[]")) {
      const d = this.depth++;
      const elem = elementType(f.type);
      const elemRead = structs.has(elem) ? `decode${structs.get(elem)!.tsName}(r, version)` : this.readScalar(elem, flex, "false", f);
      const fill = [
        `const a${d}: ${baseTsType(elem, structs)}[] = [];`,
        `for (let i${d} = 0; i${d} < n${d}; i${d}++) a${d}.push(${elemRead});`,
        `${target} = a${d};`,
      ];
      const lines = [`const n${d} = r.readArrayLength(${flex});`];
      if (nul === "false") {
        lines.push(`if (n${d} < 0) throw nullNotAllowed("${this.path(f)}");`, ...fill);
      } else {
        if (nul !== "true") lines.push(`if (n${d} < 0 && !(${nul})) throw nullNotAllowed("${this.path(f)}");`);
        lines.push(`if (n${d} < 0) {`, `  ${target} = null;`, "} else {", ...indent(fill), "}");
      }
      this.depth--;
      return wrapBlock(lines);
    }
    if (structs.has(f.type)) {
      const dec = `decode${structs.get(f.type)!.tsName}(r, version)`;
      if (nul === "false") return [`${target} = ${dec};`];
      const withMarker = `r.readInt8() < 0 ? null : ${dec}`;
      if (nul === "true") return [`${target} = ${withMarker};`];
      return [`${target} = ${nul} ? (${withMarker}) : ${dec};`];
    }
    return [`${target} = ${unwrap(this.readScalar(f.type, flex, nul, f))};`];
  }

  private readScalar(type: string, flex: string, nul: string, f: FieldSpec): string {
    const fixed = READ_FIXED[type];
    if (fixed !== undefined) return fixed;
    const path = JSON.stringify(this.path(f));
    switch (type) {
      case "string":
        return pick(flex, nul, (c, n) => `r.read${c ? "Compact" : ""}${n ? "Nullable" : ""}String()`);
      case "bytes":
        if (f.zeroCopy) {
          const view = `r.readBytesView(${flex})`;
          return nul === "true" ? view : nul === "false" ? `requireNonNull(${view}, ${path})` : `(${nul} ? ${view} : requireNonNull(${view}, ${path}))`;
        }
        return pick(flex, nul, (c, n) => `r.read${c ? "Compact" : ""}${n ? "Nullable" : ""}Bytes()`);
      case "records": {
        const rec = `r.readRecords(${flex})`;
        return nul === "true" ? rec : nul === "false" ? `requireNonNull(${rec}, ${path})` : `(${nul} ? ${rec} : requireNonNull(${rec}, ${path}))`;
      }
      default:
        throw new Error(`unknown type ${type}`);
    }
  }

  /** A decode/encode function's first lines: the version check (at a message's root) and `flexible` if `body` uses it. */
  private functionHead(s: Struct, body: readonly string[], checkVersion: boolean): string[] {
    const head: string[] = [];
    if (checkVersion) {
      head.push(`if (version < ${this.ctx.lo} || version > ${this.ctx.hi}) throw unsupportedVersion("${s.tsName}", version);`);
    }
    if (body.some((l) => /\bflexible\b/.test(l))) head.push(`const flexible = ${cond(this.flexRange, this.ctx)};`);
    return head;
  }

  /** This struct's tagged fields, by tag: the order they are written in. */
  private taggedFields(): FieldSpec[] {
    return this.fields.filter((f) => f.tag !== undefined).sort((a, b) => a.tag! - b.tag!);
  }

  /** The condition for versions `present`, inside the tagged section (where the version is known to be flexible). */
  private taggedVersionCond(present: Range): string {
    return cond(present, intersect(this.ctx, this.flexRange)!);
  }

  private decodeTagged(): string[] {
    const flexC = cond(this.flexRange, this.ctx);
    if (flexC === "false") return [];
    const tagged = this.taggedFields();
    let lines: string[];
    if (tagged.length === 0) {
      lines = ["const tagged = r.readTaggedFields();", "if (tagged !== undefined) o.unknownTaggedFields = tagged;"];
    } else {
      const branches: string[] = [];
      tagged.forEach((f, i) => {
        const present = presence(f, this.ctx)!;
        const vc = this.taggedVersionCond(present);
        const test = vc === "true" ? `tag === ${f.tag}` : `tag === ${f.tag} && ${vc}`;
        branches.push(`${i === 0 ? "if" : "} else if"} (${test}) {`);
        branches.push(...indent(this.readInto(f, `o.${camel(f.name)}`, present)));
        branches.push(`  r.expectOffset(end, "${this.path(f)}");`);
      });
      branches.push("} else {", "  (o.unknownTaggedFields ??= []).push({ tag, data: r.readRaw(size) });", "}");
      lines = [
        "const numTaggedFields = r.readUnsignedVarint();",
        "for (let t = 0; t < numTaggedFields; t++) {",
        "  const tag = r.readUnsignedVarint();",
        "  const size = r.readUnsignedVarint();",
        '  r.ensureRemaining(size, "tagged field");',
        "  const end = r.offset + size;",
        ...indent(branches),
        "}",
      ];
    }
    return flexC === "true" ? lines : ["if (flexible) {", ...indent(lines), "}"];
  }

  // -- encoding --

  emitEncoder(exported: boolean, checkVersion: boolean): string[] {
    const s = this.struct;
    const body: string[] = [];
    for (const f of this.fields) {
      if (f.tag !== undefined) continue;
      const present = presence(f, this.ctx)!;
      const c = cond(present, this.ctx);
      const prop = `o.${camel(f.name)}`;
      let value = prop;
      if (!this.isRequired(f)) {
        const d = defaultLiteral(f, s.tsName);
        value = this.typeHasNull(f) ? `${prop} === undefined ? ${d} : ${prop}` : `${prop} ?? ${d}`;
      }
      const write = this.writeFrom(f, value, present);
      if (c === "true") {
        body.push(...write);
        continue;
      }
      body.push(`if (${c}) {`, ...indent(unblock(write)));
      if (f.ignorable !== true) {
        body.push(
          `} else if (${prop} !== undefined && ${nonDefault(f, prop, s.tsName)}) {`,
          `  throw fieldNotInVersion("${this.path(f)}", version);`,
        );
      }
      body.push("}");
    }
    body.push(...this.encodeTagged());
    const head = this.functionHead(s, body, checkVersion);
    return [
      `${exported ? "export " : ""}function encode${s.tsName}(w: Writer, version: number, o: ${s.tsName}): void {`,
      ...indent(head),
      ...indent(body),
      "}",
    ];
  }

  private writeFrom(f: FieldSpec, value: string, ctx: Range): string[] {
    const flex = this.flexCond(f, ctx);
    const nul = this.nullCond(f, ctx);
    const structs = this.model.structs;
    const path = JSON.stringify(this.path(f));
    const hasNull = this.typeHasNull(f);
    if (f.type.startsWith("[]")) {
      const d = this.depth++;
      const elem = elementType(f.type);
      const elemWrite = structs.has(elem)
        ? `encode${structs.get(elem)!.tsName}(w, version, e${d});`
        : this.writeScalar(elem, flex, "false", `e${d}`, f, false);
      const body = [`w.writeArrayLength(a${d}.length, ${flex});`, `for (const e${d} of a${d}) ${elemWrite}`];
      let lines: string[];
      if (!hasNull) {
        lines = [`const a${d} = ${value};`, ...body];
      } else {
        const onNull =
          nul === "true"
            ? [`w.writeArrayLength(-1, ${flex});`]
            : nul === "false"
              ? [`throw nullNotAllowed(${path});`]
              : [`if (!(${nul})) throw nullNotAllowed(${path});`, `w.writeArrayLength(-1, ${flex});`];
        lines = [`const a${d} = ${value};`, `if (a${d} === null) {`, ...indent(onNull), "} else {", ...indent(body), "}"];
      }
      this.depth--;
      return wrapBlock(lines);
    }
    if (structs.has(f.type)) {
      const enc = (v: string): string => `encode${structs.get(f.type)!.tsName}(w, version, ${v});`;
      if (!hasNull) return [enc(value)];
      const d = this.depth;
      // A nullable struct carries a marker byte: -1 for null, 1 before the struct's fields.
      const withMarker = [`if (s${d} === null) {`, "  w.writeInt8(-1);", "} else {", "  w.writeInt8(1);", `  ${enc(`s${d}`)}`, "}"];
      if (nul === "true") return wrapBlock([`const s${d} = ${value};`, ...withMarker]);
      if (nul === "false") return [enc(`requireNonNull(${value}, ${path})`)];
      return wrapBlock([
        `const s${d} = ${value};`,
        `if (${nul}) {`,
        ...indent(withMarker),
        `} else ${enc(`requireNonNull(s${d}, ${path})`)}`,
      ]);
    }
    return [this.writeScalar(f.type, flex, nul, value, f, hasNull)];
  }

  private writeScalar(type: string, flex: string, nul: string, v: string, f: FieldSpec, hasNull: boolean): string {
    const fixed = WRITE_FIXED[type];
    if (fixed !== undefined) return `w.${fixed}(${v});`;
    const path = JSON.stringify(this.path(f));
    const nonNull = hasNull ? `requireNonNull(${v}, ${path})` : v;
    switch (type) {
      case "string":
        return pickStmt(flex, nul, (c, n) => `w.write${c ? "Compact" : ""}${n ? "Nullable" : ""}String(${n ? v : nonNull})`);
      case "bytes":
        return pickStmt(flex, nul, (c, n) => `w.write${c ? "Compact" : ""}${n ? "Nullable" : ""}Bytes(${n ? v : nonNull})`);
      case "records":
        return pickStmt("true", nul, (_c, n) => `w.writeRecords(${n ? v : nonNull}, ${flex})`);
      default:
        throw new Error(`unknown type ${type}`);
    }
  }

  private encodeTagged(): string[] {
    const flexC = cond(this.flexRange, this.ctx);
    if (flexC === "false") return [];
    const tagged = this.taggedFields();
    let lines: string[];
    if (tagged.length === 0) {
      lines = ["w.writeTaggedFields(o.unknownTaggedFields);"];
    } else {
      lines = ["const unknown = o.unknownTaggedFields;"];
      const count = ["(unknown === undefined ? 0 : unknown.length)"];
      tagged.forEach((f, i) => {
        const present = presence(f, this.ctx)!;
        const vc = this.taggedVersionCond(present);
        const prop = `o.${camel(f.name)}`;
        lines.push(`const t${i} = ${vc === "true" ? prop : `${vc} ? ${prop} : undefined`};`);
        count.push(`(t${i} === undefined ? 0 : 1)`);
      });
      lines.push(`w.writeUnsignedVarint(${count.join(" + ")});`, "let u = 0;");
      tagged.forEach((f, i) => {
        const present = presence(f, this.ctx)!;
        lines.push(
          `if (t${i} !== undefined) {`,
          `  u = w.writeRawTaggedFieldsBelow(unknown, u, ${f.tag});`,
          `  w.writeUnsignedVarint(${f.tag});`,
          "  const m = w.mark();",
          ...indent(this.writeFrom(f, `t${i}`, present)),
          "  w.insertSizePrefix(m);",
          "}",
        );
      });
      lines.push("w.writeRawTaggedFieldsBelow(unknown, u, Infinity);");
    }
    return flexC === "true" ? lines : ["if (flexible) {", ...indent(lines), "}"];
  }

  // -- schema data --

  emitSchemaFields(): string[] {
    const out: string[] = [];
    for (const f of this.fields) {
      const props = [`name: "${camel(f.name)}"`, `type: "${f.type}"`, `versions: ${tuple(presence(f, this.ctx)!)}`];
      const nullable = intersect(parseRange(f.nullableVersions), presence(f, this.ctx));
      if (nullable) props.push(`nullableVersions: ${tuple(nullable)}`);
      if (f.tag !== undefined) props.push(`taggedVersions: ${tuple(parseRange(f.taggedVersions)!)}`, `tag: ${f.tag}`);
      if (f.entityType) props.push(`entityType: "${f.entityType}"`);
      if (f.mapKey) props.push("mapKey: true");
      if (f.ignorable) props.push("ignorable: true");
      const sub = this.model.structs.get(elementType(f.type));
      if (sub === undefined) {
        out.push(`{ ${props.join(", ")} },`);
      } else {
        const child = new StructEmitter(this.model, sub, sub.ctx!);
        out.push(`{ ${props.join(", ")}, fields: [`, ...indent(child.emitSchemaFields()), "] },");
      }
    }
    return out;
  }
}

/** Drops one pair of parentheses around a whole expression (for assignments). */
function unwrap(expr: string): string {
  if (!expr.startsWith("(") || !expr.endsWith(")")) return expr;
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === "(") depth++;
    else if (expr[i] === ")") depth--;
    if (depth === 0 && i < expr.length - 1) return expr; // "(a) || (b)": not one group
  }
  return expr.slice(1, -1);
}

function tuple(r: Range): string {
  return `[${r.lo}, ${r.hi}]`;
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === "" ? l : `  ${l}`));
}

function wrapBlock(lines: string[]): string[] {
  return ["{", ...indent(lines), "}"];
}

/** Inverse of wrapBlock, for code that already sits in its own block. */
function unblock(lines: string[]): string[] {
  if (lines[0] !== "{" || lines.at(-1) !== "}") return lines;
  return lines.slice(1, -1).map((l) => l.slice(2));
}

// ---- module emission ---------------------------------------------------------------------

export interface ApiModule {
  apiName: string;
  fileBase: string;
  request: MessageModel;
  response: MessageModel;
  code: string;
}

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

export function emitApiModule(request: MessageSpec, response: MessageSpec, source: string): ApiModule {
  const req = buildModel(request);
  const res = buildModel(response);
  assignNames([req, res]);
  const apiName = request.name.replace(/Request$/, "");
  const out: string[] = [
    `// GENERATED by scripts/codegen.ts from ${source} (${request.name}.json, ${response.name}.json).`,
    "// Do not edit: change the generator and run `npm run codegen`.",
    "/* eslint-disable */",
    "",
    'import { fieldNotInVersion, nullNotAllowed, requireNonNull, unsupportedVersion } from "../errors.js";',
    'import type { Reader } from "../reader.js";',
    'import type { MessageSchema } from "../schema.js";',
    'import type { TaggedField } from "../tagged-field.js";',
    'import type { Writer } from "../writer.js";',
  ];
  for (const model of [req, res]) {
    const rootEmitter = new StructEmitter(model, model.root, model.valid);
    out.push("", `// ---- ${model.spec.name} (versions ${fmtRange(model.valid)}${model.flexible ? `, flexible ${fmtRange(model.flexible)}` : ""}) ----`);
    if (model.spec.validVersions !== fmtRange(model.valid)) {
      out.push(`// The spec says ${model.spec.validVersions}; widened on purpose (VALID_VERSIONS_LOWERED in scripts/codegen/spec.ts).`);
    }
    out.push("");
    out.push(...rootEmitter.emitInterface());
    for (const s of model.structs.values()) {
      if (s.ctx === null) continue;
      out.push("", ...new StructEmitter(model, s, s.ctx).emitInterface());
    }
    out.push("", ...rootEmitter.emitDecoder(true, true), "", ...rootEmitter.emitEncoder(true, true));
    for (const s of model.structs.values()) {
      if (s.ctx === null) continue;
      const e = new StructEmitter(model, s, s.ctx);
      out.push("", ...e.emitDecoder(false, false), "", ...e.emitEncoder(false, false));
    }
    const flex = model.flexible === null ? "null" : tuple(model.flexible);
    out.push(
      "",
      `export const ${model.spec.name}Schema: MessageSchema = {`,
      `  name: "${model.spec.name}",`,
      `  apiKey: ${model.spec.apiKey},`,
      `  type: "${model.spec.type}",`,
      `  validVersions: ${tuple(model.valid)},`,
      `  flexibleVersions: ${flex},`,
      "  fields: [",
      ...indent(indent(rootEmitter.emitSchemaFields())),
      "  ],",
      "};",
    );
  }
  let code = out.join("\n") + "\n";
  // Drop imports the module does not use (keeps generated files free of dead imports).
  for (const name of ["fieldNotInVersion", "nullNotAllowed", "requireNonNull"]) {
    const uses = code.split(new RegExp(`\\b${name}\\b`)).length - 1;
    if (uses === 1) code = code.replace(new RegExp(`\\b${name}, |, ${name}\\b`), "");
  }
  if (!/\bTaggedField\[\]/.test(code)) code = code.replace('import type { TaggedField } from "../tagged-field.js";\n', "");
  return { apiName, fileBase: kebab(apiName), request: req, response: res, code };
}
