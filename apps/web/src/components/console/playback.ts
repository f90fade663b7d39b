'use client';
import { useCallback, useEffect, useState } from 'react';

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export interface Playback {
  playing: boolean;
  speed: number;
  /** Seconds from the start of the recording. */
  position: number;
  duration: number;
  play(): void;
  pause(): void;
  seek(seconds: number): void;
  setSpeed(speed: number): void;
}

/** A replay's clock: play, pause, speed and seek over `duration` seconds, advanced per frame. */
export function usePlayback(duration: number): Playback {
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [position, setPosition] = useState(0);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let raf = requestAnimationFrame(function step(now) {
      const dt = ((now - last) / 1000) * speed;
      last = now;
      setPosition((p) => Math.min(duration, p + dt));
      raf = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, duration]);

  useEffect(() => {
    if (playing && position >= duration) setPlaying(false);
  }, [playing, position, duration]);

  const play = useCallback(() => {
    // Play at the end starts over, as video players do.
    setPosition((p) => (p >= duration ? 0 : p));
    setPlaying(true);
  }, [duration]);
  const pause = useCallback(() => setPlaying(false), []);
  const seek = useCallback(
    (s: number) => setPosition(Math.max(0, Math.min(duration, s))),
    [duration],
  );
  return { playing, speed, position, duration, play, pause, seek, setSpeed };
}

/** 75.4 → "1:15". */
export const clock = (seconds: number) => {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};
