/** asciicast v2 as the replay page needs it: the header's size and the events, in order. */
export type CastEvent = [seconds: number, code: string, data: string];

export interface Cast {
  width: number;
  height: number;
  title: string | null;
  /** Unix seconds when the recording started. */
  timestamp: number | null;
  events: CastEvent[];
  /** Seconds from the start to the last event. */
  duration: number;
}

const isEvent = (v: unknown): v is CastEvent =>
  Array.isArray(v) &&
  v.length === 3 &&
  typeof v[0] === 'number' &&
  typeof v[1] === 'string' &&
  typeof v[2] === 'string';

/**
 * Reads an asciicast v2 file. A last line cut short (the API was killed, the disk filled) ends
 * the recording there instead of failing the whole replay.
 */
export function parseCast(text: string): Cast {
  const lines = text.split('\n');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  } catch {
    throw new Error('this is not an asciicast file (its first line is not a JSON header)');
  }
  if (header.version !== 2)
    throw new Error(`asciicast version ${String(header.version)} is not v2`);
  const events: CastEvent[] = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      break;
    }
    if (isEvent(v)) events.push(v);
  }
  return {
    width: typeof header.width === 'number' ? header.width : 80,
    height: typeof header.height === 'number' ? header.height : 24,
    title: typeof header.title === 'string' ? header.title : null,
    timestamp: typeof header.timestamp === 'number' ? header.timestamp : null,
    events,
    duration: events.at(-1)?.[0] ?? 0,
  };
}

/** How many of the (time-ordered) items happened at or before `t`: a binary search. */
export function countUntil<T>(items: readonly T[], timeOf: (item: T) => number, t: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(items[mid]!) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A resize event's "COLSxROWS", or null when it is not one. */
export function parseSize(data: string): { cols: number; rows: number } | null {
  const m = /^(\d+)x(\d+)$/.exec(data);
  return m ? { cols: Number(m[1]), rows: Number(m[2]) } : null;
}

/**
 * The same recording with every pause longer than `limit` seconds cut down to `limit`, as
 * asciinema's idle_time_limit does: a shell left open for an hour replays in its typing time.
 */
export function compressIdle(cast: Cast, limit: number): Cast {
  let last = 0;
  let at = 0;
  const events = cast.events.map(([t, code, data]): CastEvent => {
    at += Math.min(Math.max(t - last, 0), limit);
    last = t;
    return [at, code, data];
  });
  return { ...cast, events, duration: events.at(-1)?.[0] ?? 0 };
}
