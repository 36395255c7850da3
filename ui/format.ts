// Numbers and times as the console shows them.
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function bytes(n: number | null): string {
  if (n === null) return "–";
  let i = 0;
  for (; Math.abs(n) >= 1024 && i < UNITS.length - 1; i++) n /= 1024;
  return `${i === 0 ? n.toFixed(0) : n.toFixed(1)} ${UNITS[i]}`;
}

/** "1 message", "2 messages". */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const rate = (n: number | null): string => (n === null ? "unlimited" : `${bytes(n)}/s`);

/** Messages per second: whole numbers, with a decimal below 10 so a trickle doesn't show as 0. */
export const perSecond = (n: number): string => `${n >= 10 ? Math.round(n) : Number(n.toFixed(1))}/s`;

export function time(ms: number | string): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}
