// The schema of a config section as its author writes it, made from the schema that reads it: a key with a default is
// optional, and a transform is left out (the value it takes is kept: "1MiB/s", a { env } reference). The admin API
// answers sections as the file writes them, and zod can't encode a transform's output back to its input, nor an absent
// key that has a default. Refinements go with the transforms (they check what was read); a leaf keeps its checks.
import { z } from "zod";

/** What a config author writes for `schema`; its type is exactly `z.input<T>`. */
export function asWritten<T extends z.ZodType>(schema: T): z.ZodType<z.input<T>, z.input<T>> {
  const written = writtenForm(schema);
  const meta = z.globalRegistry.get(schema);
  return (meta === undefined ? written : written.meta(meta)) as z.ZodType<z.input<T>, z.input<T>>;
}

function writtenForm(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) return asWritten(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return asWritten(schema.unwrap() as z.ZodType).nullable();
  // A transform (s.transform(f) is s.pipe(f)) keeps its input; a preprocess takes whatever its function does.
  if (schema instanceof z.ZodPipe) return schema.in instanceof z.ZodTransform ? z.unknown() : asWritten(schema.in as z.ZodType);
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, value]) => [key, asWritten(value as z.ZodType)]));
    const catchall = schema.def.catchall;
    return catchall === undefined ? z.object(shape) : z.object(shape).catchall(asWritten(catchall as z.ZodType));
  }
  if (schema instanceof z.ZodArray) return z.array(asWritten(schema.element as z.ZodType));
  if (schema instanceof z.ZodRecord) return z.record(schema.keyType, asWritten(schema.valueType as z.ZodType));
  if (schema instanceof z.ZodUnion) return z.union(schema.options.map((option) => asWritten(option as z.ZodType)));
  if (!LEAVES.has(schema.def.type)) throw new TypeError(`asWritten: no written form for a zod ${schema.def.type}`);
  // An overwrite (e.g. trim) changes what it reads; the checks stay.
  const checks = schema.def.checks?.filter((check) => check._zod.def.check !== "overwrite");
  return checks?.length === schema.def.checks?.length ? schema : schema.clone({ ...schema.def, checks });
}

/** Values with no schema inside: written as read. A strict object's catchall is a never. */
const LEAVES = new Set(["string", "number", "boolean", "enum", "literal", "null", "unknown", "any", "never"]);
