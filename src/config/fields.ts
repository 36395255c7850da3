// Field schemas several config sections share, in a module that imports zod only (the admin API's console types the
// sections it shows from them): names, "host:port" strings, and parsers turned into zod transforms.
import { z } from "zod";
import { parseHostPort } from "./addresses.js";

/** Turns a parser returning `value | reason` into a zod transform that reports the reason as an issue. */
export function parsed<T>(parse: (text: string) => T | string, expected: string) {
  // A missing value falls through to the "required" message of load.ts.
  const notAString = (issue: { input?: unknown }) => (issue.input === undefined ? undefined : `expected ${expected}`);
  return z.string({ error: notAString }).transform((text, ctx) => {
    const result = parse(text);
    if (typeof result !== "string") return result;
    ctx.issues.push({ code: "custom", message: result, input: text });
    return z.NEVER;
  });
}

export const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, '.', '_' or '-'");
export const hostPort = parsed(parseHostPort, `a "host:port" string`);
