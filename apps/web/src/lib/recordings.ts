import type { AuditEvent, Recording } from '@berth/contracts';

/** How long a recorded console was open, in whole seconds; null while it still is. */
export const recordingSeconds = (r: Pick<Recording, 'startedAt' | 'endedAt'>): number | null =>
  r.endedAt
    ? Math.round((new Date(r.endedAt).getTime() - new Date(r.startedAt).getTime()) / 1000)
    : null;

/**
 * Where the audit log links a console session to its recording: a console.open row that says
 * it was recorded (found by the row's id), or a console.close row naming the recording.
 */
export function recordingLinkOf(e: Pick<AuditEvent, 'id' | 'action' | 'detail'>): string | null {
  const detail = (e.detail ?? {}) as { recorded?: unknown; recording?: { id?: unknown } };
  if (e.action === 'console.open' && detail.recorded === true)
    return `/recordings/view/?auditId=${encodeURIComponent(e.id)}`;
  if (e.action === 'console.close' && typeof detail.recording?.id === 'string')
    return `/recordings/view/?id=${encodeURIComponent(detail.recording.id)}`;
  return null;
}
