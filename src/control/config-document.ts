// Finding resources in the config document by name, for the routes that edit it: the YAML Document (edits keep
// comments and layout) and its plain form (what the API shows, after redaction).
import { isMap, isSeq, type Document } from "yaml";
import { notFound } from "./api-error.js";

type Plain = Record<string, unknown>;

function indexByName(doc: Document, path: readonly (string | number)[], name: string): number {
  const seq = doc.getIn(path, true);
  if (!isSeq(seq)) return -1;
  return seq.items.findIndex((item) => isMap(item) && item.get("name") === name);
}

/** The index of virtual cluster `name` in the document, or a 404. */
export function virtualClusterIndex(doc: Document, name: string): number {
  const index = indexByName(doc, ["virtualClusters"], name);
  if (index < 0) throw notFound(`virtual cluster "${name}"`);
  return index;
}

/** The index of user `user` of the virtual cluster at `vc`, or -1. */
export function userIndex(doc: Document, vc: number, user: string): number {
  return indexByName(doc, ["virtualClusters", vc, "users"], user);
}

function list(document: unknown, key: string): Plain[] {
  const items = (document as Plain | null)?.[key];
  return Array.isArray(items) ? (items as Plain[]) : [];
}

export function plainVirtualClusters(document: unknown): Plain[] {
  return list(document, "virtualClusters");
}

export function plainVirtualCluster(document: unknown, name: string): Plain | undefined {
  return plainVirtualClusters(document).find((vc) => vc.name === name);
}

export function plainPhysicalClusters(document: unknown): Plain[] {
  return list(document, "clusters");
}
