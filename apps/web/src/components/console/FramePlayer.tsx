'use client';
import type { RecordingFrame } from '@berth/contracts';
import { frameUrl } from '@/api/recordings';
import { countUntil } from '@/lib/asciicast';
import { clock, usePlayback } from './playback';
import { PlaybackControls } from './PlaybackControls';

/**
 * Replays a VNC recording: the frame taken last before the timeline's position. Frames exist
 * only where the screen changed, so a still screen is one frame held.
 */
export function FramePlayer({
  recordingId,
  frames,
  duration,
  label,
}: {
  recordingId: string;
  frames: RecordingFrame[];
  duration: number;
  label: string;
}) {
  const playback = usePlayback(duration);
  const shown = frames[Math.max(0, countUntil(frames, (f) => f.t, playback.position) - 1)];
  const next = frames[countUntil(frames, (f) => f.t, playback.position)];
  return (
    <section
      aria-label={label}
      className="flex min-h-0 flex-col overflow-hidden rounded-lg border border-line bg-surface"
    >
      <div className="grid min-h-64 place-items-center bg-black p-1.5">
        {shown ? (
          <img
            src={frameUrl(recordingId, shown.n)}
            alt={`The VM's screen at ${clock(shown.t)}`}
            className="max-h-[70vh] max-w-full object-contain"
          />
        ) : (
          <p className="p-6 text-sm text-slate-300">No frame was recorded.</p>
        )}
        {/* The next frame loads ahead, so playing does not flicker. */}
        {next && <img src={frameUrl(recordingId, next.n)} alt="" hidden />}
      </div>
      <PlaybackControls playback={playback} />
    </section>
  );
}
