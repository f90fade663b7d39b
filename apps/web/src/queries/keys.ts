import type { AuditFilter } from '@berth/contracts';
import type { RecordingFilter } from '@/api/recordings';
import type { TaskFilter } from '@/api/tasks';

/** Every query key, as factories, so keys nest by prefix (invalidate `all` to refresh a resource). */
export const authKeys = {
  me: ['auth', 'me'] as const,
  sessions: ['auth', 'sessions'] as const,
  tokens: ['auth', 'tokens'] as const,
};

export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
};

export const roleKeys = {
  all: ['roles'] as const,
  list: () => [...roleKeys.all, 'list'] as const,
};

export const hostKeys = {
  all: ['hosts'] as const,
  list: () => [...hostKeys.all, 'list'] as const,
};

export const instanceKeys = {
  all: ['instances'] as const,
  list: () => [...instanceKeys.all, 'list'] as const,
  details: () => [...instanceKeys.all, 'detail'] as const,
  detail: (id: string) => [...instanceKeys.details(), id] as const,
};

/** The caller's own shell sessions in one container. */
export const shellKeys = {
  all: ['shells'] as const,
  list: (instanceId: string) => [...shellKeys.all, 'list', instanceId] as const,
};

export const shareLinkKeys = {
  all: ['share-links'] as const,
  list: (instanceId: string) => [...shareLinkKeys.all, 'list', instanceId] as const,
};

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (filter: TaskFilter = {}) => [...taskKeys.lists(), filter] as const,
  /** The tasks page's paged search ({items, nextCursor, users} per page, not a Task[]). */
  pages: (filter: TaskFilter) => [...taskKeys.all, 'pages', filter] as const,
  details: () => [...taskKeys.all, 'detail'] as const,
  detail: (id: string) => [...taskKeys.details(), id] as const,
  log: (id: string) => [...taskKeys.all, 'log', id] as const,
};

export const templateKeys = {
  all: ['templates'] as const,
  list: () => [...templateKeys.all, 'list'] as const,
};

export const isoKeys = {
  all: ['isos'] as const,
  list: () => [...isoKeys.all, 'list'] as const,
  store: () => [...isoKeys.all, 'store'] as const,
};

export const recordingKeys = {
  all: ['recordings'] as const,
  lists: () => [...recordingKeys.all, 'list'] as const,
  list: (filter: RecordingFilter = {}) => [...recordingKeys.lists(), filter] as const,
  detail: (id: string) => [...recordingKeys.all, 'detail', id] as const,
  cast: (id: string) => [...recordingKeys.all, 'cast', id] as const,
  frames: (id: string) => [...recordingKeys.all, 'frames', id] as const,
  policies: () => [...recordingKeys.all, 'policies'] as const,
  settings: () => [...recordingKeys.all, 'settings'] as const,
};

export const sampleKeys = {
  all: ['samples'] as const,
  list: () => [...sampleKeys.all, 'list'] as const,
  problems: (instanceId: string) => [...sampleKeys.all, 'problems', instanceId] as const,
  diff: (instanceId: string, sampleId: string) =>
    [...sampleKeys.all, 'diff', instanceId, sampleId] as const,
};

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filter: AuditFilter) => [...auditKeys.lists(), filter] as const,
  settings: () => [...auditKeys.all, 'settings'] as const,
};

/** What runs inside one instance: its processes (polled) and its services. */
export const processKeys = {
  all: ['processes'] as const,
  list: (instanceId: string) => [...processKeys.all, 'list', instanceId] as const,
  services: (instanceId: string) => [...processKeys.all, 'services', instanceId] as const,
};

/** Usage over time of an instance or a host, per range; the busiest instances now. */
export const metricKeys = {
  all: ['metrics'] as const,
  instance: (id: string, range: string) => [...metricKeys.all, 'instance', id, range] as const,
  host: (id: string, range: string) => [...metricKeys.all, 'host', id, range] as const,
  adapters: (subject: 'instance' | 'host', id: string, range: string) =>
    [...metricKeys.all, 'adapters', subject, id, range] as const,
  top: () => [...metricKeys.all, 'top'] as const,
  now: () => [...metricKeys.all, 'now'] as const,
};

/** Every alert query starts with this, so an 'alert' event refreshes them all. */
export const alertKeys = { all: ['alerts'] as const };

/** One instance's snapshot tree. */
export const snapshotKeys = {
  all: ['snapshots'] as const,
  list: (instanceId: string) => [...snapshotKeys.all, 'list', instanceId] as const,
};
