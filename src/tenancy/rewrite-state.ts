// What a request's rewrite must remember for its response: carried by the data plane as the outcome's `state`.

export class RewriteState {
  /** Stand-in topic id sent upstream → the id the client sent. */
  standIns: Map<string, string> | undefined;
  /** A regex confined to the namespace: what was sent upstream and what the client wrote (for error messages). */
  regex: { sent: string; original: string } | undefined;
  /** Results answered by the gateway itself, merged into the broker's response (physical names). */
  localResults: object[] | undefined;
  /** The request's group protocol type was "consumer" (JoinGroup responses before v7 don't repeat it). */
  consumerProtocol = false;
}
