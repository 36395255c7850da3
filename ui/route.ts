// The route lives in the URL's hash (#/vc/<name>/<page>/... or #/platform/<page>/...), so a page survives a reload
// and can be shared; this is the hash as state.
import { useEffect, useState } from "preact/hooks";

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return hash;
}

/** The hash's parts, decoded. */
export const routeParts = (hash: string): string[] =>
  hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);

/** Goes to another route (the hashchange renders it). */
export function go(hash: string): void {
  location.hash = hash;
}
