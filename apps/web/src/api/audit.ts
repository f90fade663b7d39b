import type { AuditFilter, AuditPage, AuditSettings, AuditVerification } from '@berth/contracts';
import { http, url } from './http';

/** One page of the log, newest first; `cursor` is the previous page's nextCursor. */
export const fetchAuditPage = (
  filter: AuditFilter,
  cursor: string | undefined,
  limit: number,
  signal?: AbortSignal,
) => http<AuditPage>('/audit', { query: { ...filter, cursor, limit }, signal });

export const verifyAudit = (signal?: AbortSignal) =>
  http<AuditVerification>('/audit/verify', { signal });

/** The export is a download the browser makes itself, with the session cookie. */
export const auditExportUrl = (filter: AuditFilter, format: 'csv' | 'json') =>
  url('/audit/export', { ...filter, format });

export const fetchAuditSettings = (signal?: AbortSignal) =>
  http<AuditSettings>('/audit/settings', { signal });

export const updateAuditSettings = (settings: AuditSettings) =>
  http<AuditSettings>('/audit/settings', { method: 'PUT', body: settings });
