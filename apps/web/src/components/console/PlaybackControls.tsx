'use client';
import type { ReactNode } from 'react';
import { Button } from '@/components/ui/Button';
import { clock, SPEEDS, type Playback } from './playback';

/** Play/pause, the timeline (dragging it seeks) and the speed of a replay. */
export function PlaybackControls({
  playback: p,
  children,
}: {
  playback: Playback;
  /** More controls of this kind of replay, after the speed. */
  children?: ReactNode;
}) {
  return (
    <div
      role="group"
      aria-label="Replay controls"
      className="flex flex-wrap items-center gap-3 border-t border-line px-3 py-2"
    >
      <Button size="sm" variant="primary" onClick={p.playing ? p.pause : p.play} className="w-20">
        {p.playing ? 'Pause' : 'Play'}
      </Button>
      <input
        type="range"
        aria-label="Timeline"
        aria-valuetext={`${clock(p.position)} of ${clock(p.duration)}`}
        min={0}
        max={Math.max(p.duration, 0.1)}
        step="any"
        value={p.position}
        onChange={(e) => p.seek(Number(e.target.value))}
        className="min-w-40 flex-1 accent-sky-700"
      />
      <span className="font-mono text-xs text-muted tabular-nums">
        {clock(p.position)} / {clock(p.duration)}
      </span>
      <label className="flex items-center gap-1.5 text-sm">
        Speed
        <select
          value={p.speed}
          onChange={(e) => p.setSpeed(Number(e.target.value))}
          className="rounded-md border border-line bg-surface px-1.5 py-1 text-sm"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      {children}
    </div>
  );
}
