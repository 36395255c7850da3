// mTLS: a client certificate's subject becomes the session's principal through the listener's mapping rules
// (Kafka's ssl.principal.mapping.rules). On a listener that requires certificates, the principal must be one of the
// virtual cluster's users, or the connection is closed before it reads a request. On sasl_tls, SASL's principal
// replaces it once the client logs in.
import type { Logger } from "pino";
import { mapPrincipal, type PrincipalRule } from "../security/principal-mapping.js";
import type { Session } from "../session/session.js";
import type { Filter } from "./filter.js";

export interface CertificatePrincipalOptions {
  readonly rules: readonly PrincipalRule[];
  readonly users: ReadonlySet<string>;
  readonly required: boolean;
  readonly log: Logger;
}

export class CertificatePrincipalFilter implements Filter {
  readonly name = "certificate-principal";

  constructor(private readonly options: CertificatePrincipalOptions) {}

  sessionOpened(session: Session): void {
    const subject = session.tls?.peerSubject;
    const name = subject === undefined ? undefined : mapPrincipal(this.options.rules, subject);
    if (name !== undefined && this.options.users.has(name)) {
      session.principal = { type: "User", name };
      return;
    }
    if (!this.options.required) return;
    // The subject is not a secret, and says which certificate was refused.
    this.options.log.info({ session: session.id, subject, principal: name }, "client certificate's principal is not a user of this virtual cluster");
    session.close("client certificate principal not allowed");
  }
}
