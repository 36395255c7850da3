// The live chart's data as uPlot takes it: columns of equal length, the times first, then one per line.
import type uPlot from "uplot";

export interface Series {
  readonly name: string;
  /** One per sample; null where the series had none (a topic seen only later). */
  readonly points: readonly (number | null)[];
  readonly limit: number | null;
}

/**
 * The times, then each series' points and, if it has a limit, the limit at every time. A leading time at the span's
 * start, empty but for the limits, draws each limit across the whole chart, not only from the first sample on.
 */
export function columns(times: readonly number[], series: readonly Series[], span: number): uPlot.AlignedData {
  const last = times.at(-1);
  const lead = last !== undefined && times[0]! > last - span ? [last - span] : [];
  const x = [...lead, ...times];
  return [x, ...series.flatMap((s) => [[...lead.map(() => null), ...s.points], ...(s.limit === null ? [] : [x.map(() => s.limit)])])];
}
