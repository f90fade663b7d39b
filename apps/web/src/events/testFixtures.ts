import type { Instance, Task } from '@berth/contracts';

/** Records for the event tests: valid by the contract, overridden where a test cares. */
export const aTask = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  kind: 'instance.start',
  status: 'running',
  progress: 0,
  message: null,
  hostId: 'local',
  instanceId: null,
  userId: 'u1',
  result: null,
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});

export const anInstance = (over: Partial<Instance> = {}): Instance => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'ct',
  ctid: 100,
  privileged: false,
  name: 'web1',
  hostname: 'web1',
  hostId: 'local',
  state: 'stopped',
  template: 'busybox',
  ips: [],
  dns: [],
  uptimeSeconds: null,
  onboot: false,
  diskSizeBytes: 0,
  description: '',
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  vm: null,
  shell: null,
  ...over,
});
