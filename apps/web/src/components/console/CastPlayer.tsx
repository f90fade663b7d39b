'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import { compressIdle, countUntil, parseSize, type Cast } from '@/lib/asciicast';
import { PlaybackControls } from './PlaybackControls';
import { usePlayback } from './playback';
import { TERMINAL_THEME } from './TerminalConsole';

const loadXterm = () => import('./xtermBundle');

/**
 * Replays an asciicast in xterm.js at the size it was recorded. Moving forward writes the
 * events since the last position; moving back resets the terminal and writes again up to
 * the new one (a terminal cannot be rewound).
 */
/** Pauses longer than this are cut down to it, unless the viewer wants real time. */
const IDLE_LIMIT_SECONDS = 2;

export function CastPlayer({ cast: recorded, label }: { cast: Cast; label: string }) {
  const [skipIdle, setSkipIdle] = useState(true);
  const cast = useMemo(
    () => (skipIdle ? compressIdle(recorded, IDLE_LIMIT_SECONDS) : recorded),
    [recorded, skipIdle],
  );
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const applied = useRef(0);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const playback = usePlayback(cast.duration);

  useEffect(() => {
    let stopped = false;
    void loadXterm().then(
      ({ Terminal }) => {
        if (stopped) return;
        const t = new Terminal({
          theme: TERMINAL_THEME,
          fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
          fontSize: 13,
          cols: cast.width,
          rows: cast.height,
          disableStdin: true,
          cursorBlink: false,
          scrollback: 1000,
        });
        t.open(host.current!);
        term.current = t;
        applied.current = 0;
        setReady(true);
      },
      (e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      stopped = true;
      term.current?.dispose();
      term.current = null;
      setReady(false);
    };
  }, [cast]);

  useEffect(() => {
    const t = term.current;
    if (!t || !ready) return;
    const upTo = countUntil(cast.events, (e) => e[0], playback.position);
    if (upTo < applied.current) {
      t.reset();
      t.resize(cast.width, cast.height);
      applied.current = 0;
    }
    let out = '';
    for (const [, code, data] of cast.events.slice(applied.current, upTo)) {
      if (code === 'o') out += data;
      else if (code === 'r') {
        const size = parseSize(data);
        if (!size) continue;
        t.write(out);
        out = '';
        t.resize(size.cols, size.rows);
      } else if (code === 'm') out += `\r\n\x1b[7m[${data}]\x1b[0m\r\n`;
    }
    if (out) t.write(out);
    applied.current = upTo;
  }, [cast, ready, playback.position]);

  return (
    <section
      aria-label={label}
      className="flex min-h-0 flex-col overflow-hidden rounded-lg border border-line bg-surface"
    >
      <div className="min-h-64 overflow-auto bg-[#0b0f17] p-1.5">
        {loadError ? (
          <p role="alert" className="p-4 text-sm text-red-200">
            The terminal could not be loaded ({loadError})
          </p>
        ) : (
          <div ref={host} data-testid="replay-terminal" className="inline-block" />
        )}
      </div>
      <PlaybackControls playback={playback}>
        <label className="flex items-center gap-1.5 text-sm">
          <input
            type="checkbox"
            checked={skipIdle}
            onChange={(e) => {
              setSkipIdle(e.target.checked);
              // The two timelines differ: start over rather than land somewhere else.
              playback.seek(0);
            }}
            className="accent-sky-700"
          />
          Skip pauses
        </label>
      </PlaybackControls>
    </section>
  );
}
