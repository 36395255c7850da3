// SASL/OAUTHBEARER (RFC 7628, KIP-255/768) on the server side: the client's bearer token is a JWT, checked with a
// well-kept JOSE library (jose) for signature (keys from a JWKS document or URL, refreshed on an unknown key id),
// issuer, audience, expiry and not-before. Unsigned tokens ("alg": "none") are never accepted. The principal comes
// from a configurable claim, and the token's expiry bounds the session.
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { OAuthBearerConfig } from "../config/types.js";

/** Signature algorithms a token may use: asymmetric only (a shared secret would let any holder mint tokens). */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

const JWKS_COOLDOWN_MS = 5_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

export type BearerCheck =
  | { readonly kind: "ok"; readonly principal: string; readonly expiresAt: number }
  /** `reason` is for logs only; the client gets the same neutral answer as for any failure. */
  | { readonly kind: "failed"; readonly reason: string };

export class OAuthBearerVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly config: OAuthBearerConfig) {
    this.keys =
      config.jwksUrl !== undefined
        ? // Fetched again for an unknown key id (a rotated key), but at most every few seconds: a client sending made-up
          // key ids must not make the gateway hammer the identity provider.
          createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: JWKS_COOLDOWN_MS, cacheMaxAge: JWKS_MAX_AGE_MS })
        : createLocalJWKSet(JSON.parse(config.jwks!) as never);
  }

  /** Checks a client initial response ("n,,\x01auth=Bearer <token>\x01\x01"). */
  async check(message: Buffer): Promise<BearerCheck> {
    const token = bearerToken(message.toString("utf8"));
    if (token === undefined) return { kind: "failed", reason: "malformed" };
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ["exp"],
      });
      const principal = payload[this.config.principalClaim];
      if (typeof principal !== "string" || principal === "") return { kind: "failed", reason: `no ${this.config.principalClaim} claim` };
      return { kind: "ok", principal, expiresAt: payload.exp! * 1000 };
    } catch (error) {
      return { kind: "failed", reason: (error as { code?: string }).code ?? "invalid token" };
    }
  }
}

/** The token of RFC 7628's client initial response, or undefined when the message isn't one. */
function bearerToken(message: string): string | undefined {
  const [gs2, ...pairs] = message.split("\x01");
  if (gs2 === undefined || !/^n,(a=[^,]*)?,$/.test(gs2)) return undefined;
  for (const pair of pairs) {
    const match = /^auth=Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(pair);
    if (match !== null) return match[1];
  }
  return undefined;
}
