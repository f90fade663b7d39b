import type { AuditEvent } from '@berth/contracts';
import { http } from './http';

export const fetchAudit = (limit = 100, signal?: AbortSignal) =>
  http<{ items: AuditEvent[] }>('/audit', { query: { limit }, signal }).then((r) => r.items);
