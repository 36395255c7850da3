/**
 * A tagged field (KIP-482) that the codec has no schema for, kept as raw bytes so that the
 * gateway writes it back unchanged.
 */
export interface TaggedField {
  tag: number;
  data: Buffer;
}
