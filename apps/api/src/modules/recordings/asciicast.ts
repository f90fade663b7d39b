/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
 * `[seconds, code, data]` line per event: "o" output, "i" input, "r" a resize ("COLSxROWS"),
 * "m" a marker (here: why the recording stopped early).
 */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds when the recording started. */
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
}

export type CastCode = 'o' | 'i' | 'r' | 'm';

export const castHeaderLine = (h: CastHeader): string => `${JSON.stringify(h)}\n`;

/** Microseconds are plenty, and keep each line short. */
export const castEventLine = (seconds: number, code: CastCode, data: string): string =>
  `${JSON.stringify([Math.round(seconds * 1e6) / 1e6, code, data])}\n`;
