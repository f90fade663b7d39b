import type { Recording } from '@berth/contracts';

/** How long a recorded console was open, in whole seconds; null while it still is. */
export const recordingSeconds = (r: Pick<Recording, 'startedAt' | 'endedAt'>): number | null =>
  r.endedAt
    ? Math.round((new Date(r.endedAt).getTime() - new Date(r.startedAt).getTime()) / 1000)
    : null;
