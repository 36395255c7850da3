// Kafka's ssl.principal.mapping.rules for client certificates: each rule is "RULE:pattern/replacement/" with an
// optional L or U (lower/upper case) after it, or "DEFAULT" (the whole distinguished name). The first rule whose
// pattern matches the whole RFC 2253 subject ("CN=billing,OU=payments,O=Example") gives the principal name.

export interface PrincipalRule {
  readonly pattern: RegExp | undefined; // undefined: DEFAULT
  readonly replacement: string;
  readonly caseChange: "L" | "U" | undefined;
}

const RULE = /^RULE:((?:\\\/|[^/])*)\/((?:\\\/|[^/])*)\/([LU])?$/;

/** Parses rules; a rule that doesn't parse is returned as its error message instead. */
export function parsePrincipalRule(text: string): PrincipalRule | string {
  const trimmed = text.trim();
  if (trimmed === "DEFAULT") return { pattern: undefined, replacement: "", caseChange: undefined };
  const match = RULE.exec(trimmed);
  if (match === null) return 'expected "DEFAULT" or "RULE:pattern/replacement/" (optionally followed by L or U)';
  try {
    const pattern = new RegExp(`^(?:${match[1]!.replaceAll("\\/", "/")})$`);
    return { pattern, replacement: match[2]!.replaceAll("\\/", "/"), caseChange: match[3] as "L" | "U" | undefined };
  } catch (error) {
    return `not a valid pattern: ${(error as Error).message}`;
  }
}

/** The principal name for `subject`, or undefined when no rule matches. */
export function mapPrincipal(rules: readonly PrincipalRule[], subject: string): string | undefined {
  for (const rule of rules) {
    if (rule.pattern === undefined) return subject;
    if (!rule.pattern.test(subject)) continue;
    const name = subject.replace(rule.pattern, rule.replacement);
    return rule.caseChange === "L" ? name.toLowerCase() : rule.caseChange === "U" ? name.toUpperCase() : name;
  }
  return undefined;
}
