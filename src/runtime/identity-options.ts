// How a listener establishes who its clients are, from its config and the users it serves: the SASL gate's options
// (mechanisms, stored credentials, token check, settings) and the client-certificate principal's (mTLS). A virtual
// cluster's listener serves that virtual cluster's users; a shared listener the users its principals map to.
import type { Logger } from "pino";
import type { AuthenticationConfig, GatewayConfig, ListenerConfig, UserConfig } from "../config/types.js";
import type { ChainContext } from "../filters/index.js";
import type { GatewayObserver } from "../observe/observer.js";
import { OAuthBearerVerifier } from "../security/oauthbearer.js";
import { SaslAuthenticator } from "../security/sasl-authenticator.js";

/** For hand-built configs without the section (the schema fills it in from files). */
const DEFAULT_AUTHENTICATION: AuthenticationConfig = { sessionLifetimeMs: 0, failureDelayMs: 100, timeoutMs: 10_000 };

export interface IdentitySources {
  readonly config: GatewayConfig;
  readonly listener: ListenerConfig;
  /** Who may authenticate (one authenticator per virtual cluster, or per shared listener). */
  readonly authenticator: SaslAuthenticator;
  readonly users: readonly UserConfig[];
  /** The ApiVersions of the physical cluster(s) behind the listener, for the answer before authentication. */
  readonly brokerApiVersions: () => Promise<readonly { apiKey: number; minVersion: number; maxVersion: number }[]>;
  readonly observer: GatewayObserver;
  readonly log: Logger;
}

export function identityOptions(sources: IdentitySources): Pick<ChainContext, "authentication" | "certificatePrincipal"> {
  const { config, listener, authenticator, log } = sources;
  const usesSasl = listener.security === "sasl_plaintext" || listener.security === "sasl_tls";
  const authentication = usesSasl
    ? {
        mechanisms: listener.saslMechanisms ?? authenticator.scramMechanismsWithUsers(),
        authenticator,
        bearer: listener.oauthbearer !== undefined ? new OAuthBearerVerifier(listener.oauthbearer) : undefined,
        settings: config.authentication ?? DEFAULT_AUTHENTICATION,
        brokerApiVersions: sources.brokerApiVersions,
        observer: sources.observer,
        log,
      }
    : undefined;
  const clientAuth = listener.tls?.clientAuth ?? "none";
  const certificatePrincipal =
    clientAuth === "none"
      ? undefined
      : {
          rules: listener.tls?.principalMappingRules ?? [],
          users: new Set(sources.users.map((u) => u.name)),
          required: clientAuth === "required",
          log,
        };
  return { authentication, certificatePrincipal };
}
