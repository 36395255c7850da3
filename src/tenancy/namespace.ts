// A tenant's namespace on its physical cluster: every topic name, group id and transactional id the tenant uses
// is stored upstream as `prefix + name`. Adding the prefix to every name in a request confines the tenant to its
// own namespace by construction (another tenant's name, even fully prefixed, lands inside this one); stripping it
// from responses makes the namespace invisible to the tenant.

/** Characters Kafka allows in a topic name; a name in free text starts where the previous character is not one. */
const NAME_CHAR = "[A-Za-z0-9._-]";
/** Kafka encodes the request header's client id as an int16-length string: at most this many UTF-8 bytes. */
const MAX_CLIENT_ID_BYTES = 32_767;

export class TenantNamespace {
  /** The prefix where a name starts in free text (not in the middle of another word, e.g. "data." for "a."). */
  private readonly prefixInText: RegExp;

  constructor(
    readonly tenant: string,
    readonly prefix: string,
  ) {
    // An empty prefix would own every name on the cluster, including other tenants' and internal topics.
    if (prefix === "") throw new RangeError(`tenant "${tenant}": the namespace prefix must not be empty`);
    this.prefixInText = new RegExp(`(?<!${NAME_CHAR})${escapeRegExp(prefix)}`, "g");
  }

  /** The physical name of a tenant's name: "orders" → "payments.orders". Total: "" → "payments." (never shared). */
  add(name: string): string {
    return this.prefix + name;
  }

  /** The tenant's name for a physical name: "payments.orders" → "orders"; undefined when not in this namespace. */
  strip(physical: string): string | undefined {
    return physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : undefined;
  }

  owns(physical: string): boolean {
    return physical.startsWith(this.prefix);
  }

  /**
   * The client id sent upstream, `<tenant>/<client id>`, so broker logs and client quotas tell tenants apart.
   * A null or empty client id gives `<tenant>/`. Too long an id is cut (at a character boundary) to fit the header.
   */
  upstreamClientId(clientId: string | null): string {
    return truncateUtf8(`${this.tenant}/${clientId ?? ""}`, MAX_CLIENT_ID_BYTES);
  }

  /** Free text (a broker's error message) with the prefix removed from every name that starts with it. */
  scrub(text: string): string {
    return text.includes(this.prefix) ? text.replace(this.prefixInText, "") : text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
