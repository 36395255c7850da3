// The SASL mechanisms of one virtual cluster's users, free of sockets and of Kafka messages: a mechanism is started,
// then fed the client's tokens until it succeeds or fails. Passwords and keys never leave this module.
import { randomBytes } from "node:crypto";
import type { SaslMechanism, UserConfig } from "../config/types.js";
import { parsePlain, passwordMatches, scramCredential, ScramServerExchange, type ScramCredential, type ScramMechanism } from "./scram.js";

export type SaslStep =
  | { readonly kind: "challenge"; readonly token: Buffer }
  | { readonly kind: "done"; readonly user: string; readonly token: Buffer }
  /** `reason` is for logs only (it may say the user is unknown); the client gets a neutral answer. */
  | { readonly kind: "failed"; readonly reason: string; readonly user: string | undefined };

export interface SaslExchange {
  step(token: Buffer): SaslStep | Promise<SaslStep>;
}

const EMPTY = Buffer.alloc(0);

export class SaslAuthenticator {
  private readonly users: ReadonlyMap<string, UserConfig>;
  /** Keys the made-up salts of unknown users: stable for this process, so a user's salt never changes between tries. */
  private readonly fakeSaltKey = randomBytes(32);
  /** Checked for an unknown user's PLAIN password, so the answer takes as long as for a known one. */
  private readonly decoy = scramCredential("SCRAM-SHA-512", randomBytes(16).toString("hex"));

  constructor(users: readonly UserConfig[]) {
    this.users = new Map(users.map((u) => [u.name, u]));
  }

  /** The SCRAM mechanisms some user has a credential for (a sensible default to offer). */
  scramMechanismsWithUsers(): SaslMechanism[] {
    const out: SaslMechanism[] = [];
    if ([...this.users.values()].some((u) => u.scramSha256)) out.push("SCRAM-SHA-256");
    if ([...this.users.values()].some((u) => u.scramSha512)) out.push("SCRAM-SHA-512");
    return out;
  }

  /** Whether `name` is a user of the virtual cluster (a token's or certificate's principal must be). */
  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  /** PLAIN and SCRAM; OAUTHBEARER is checked by the listener's token verifier instead. */
  start(mechanism: Exclude<SaslMechanism, "OAUTHBEARER">): SaslExchange {
    if (mechanism === "PLAIN") return { step: (token) => this.plain(token) };
    const exchange = new ScramServerExchange(mechanism, (user) => this.credential(user, mechanism), this.fakeSaltKey);
    return {
      step: (token) => {
        const step = exchange.step(token);
        if (step.kind === "challenge") return { kind: "challenge", token: step.message };
        if (step.kind === "done") return { kind: "done", user: step.user, token: step.message };
        return { kind: "failed", reason: step.reason, user: step.user };
      },
    };
  }

  private credential(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    const config = this.users.get(user);
    return mechanism === "SCRAM-SHA-256" ? config?.scramSha256 : config?.scramSha512;
  }

  /** PLAIN, checked against the user's stored SCRAM hash (the stronger one when there are both). */
  private plain(token: Buffer): SaslStep {
    const plain = parsePlain(token);
    if (plain === undefined) return { kind: "failed", reason: "malformed", user: undefined };
    const { authzid, user, password } = plain;
    if (authzid !== "" && authzid !== user) return { kind: "failed", reason: "authorization id differs from the user", user };
    const config = this.users.get(user);
    const [mechanism, credential]: [ScramMechanism, ScramCredential | undefined] = config?.scramSha512
      ? ["SCRAM-SHA-512", config.scramSha512]
      : ["SCRAM-SHA-256", config?.scramSha256];
    if (credential === undefined) {
      passwordMatches("SCRAM-SHA-512", this.decoy, password);
      return { kind: "failed", reason: "unknown-user", user };
    }
    if (!passwordMatches(mechanism, credential, password)) return { kind: "failed", reason: "bad-password", user };
    return { kind: "done", user, token: EMPTY };
  }
}
