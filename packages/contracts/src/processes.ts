import { z } from 'zod';
import { CANONICAL_UINT } from './common.js';
import { InstanceRef } from './instances.js';

/** Signals a process inside an instance may be sent; anything else is a 400. */
export const ProcessSignal = z.enum(['TERM', 'KILL', 'HUP', 'INT', 'STOP', 'CONT', 'USR1', 'USR2']);
export type ProcessSignal = z.infer<typeof ProcessSignal>;

/** A pid in a path, in its one canonical decimal spelling. */
export const PidParam = z
  .string()
  .regex(CANONICAL_UINT, 'a pid: a whole number in decimal, without leading zeros')
  .transform(Number)
  .pipe(z.number().int().min(1).max(4_194_304));

export const ProcessRef = InstanceRef.extend({ pid: PidParam });

export const SignalRequest = z.strictObject({ signal: ProcessSignal });
export type SignalRequest = z.infer<typeof SignalRequest>;

export const ProcessInfo = z.object({
  /** The pid inside the instance (its pid namespace), null when the kernel does not say. */
  pid: z.number().int().nullable(),
  /** The pid on the host; null for a VM's guest processes, which have none. */
  hostPid: z.number().int().nullable(),
  ppid: z.number().int().nullable(),
  /** The user inside the instance: its name when /etc/passwd has one, else the number. */
  user: z.string(),
  uid: z.number().int().nullable(),
  /** The kernel's one-letter state: R running, S sleeping, D disk wait, T stopped, Z zombie… */
  state: z.string(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  command: z.string(),
});
export type ProcessInfo = z.infer<typeof ProcessInfo>;

export const ProcessList = z.object({
  /** cgroup: read from the host's /proc; guest-agent: `ps` run inside the VM. */
  source: z.enum(['cgroup', 'guest-agent']),
  /** The span CPU % is measured over, in ms; null when it is each process's lifetime average. */
  intervalMs: z.number().int().nullable(),
  items: z.array(ProcessInfo),
});
export type ProcessList = z.infer<typeof ProcessList>;

/** Which instance a host process belongs to. */
export const PidOwner = z.object({
  hostPid: z.number().int(),
  instanceId: z.string(),
  name: z.string(),
  kind: z.enum(['ct', 'vm']),
  ctid: z.number().int().optional(),
  /** The pid inside a container, when the process is one of its own. */
  pid: z.number().int().nullable(),
  /** How it was found: the container's cgroup, or the VM's QEMU pidfile. */
  by: z.enum(['cgroup', 'qemu-pidfile']),
  hostId: z.string().optional(),
});
export type PidOwner = z.infer<typeof PidOwner>;

/**
 * A service's unit name. Only these characters and the .service suffix are taken, and it must
 * not start with '-' or '.', so it can never read as an option or a path outside /etc/init.d.
 */
export const ServiceName = z
  .string()
  .max(256)
  .regex(
    /^[A-Za-z0-9@_:][A-Za-z0-9@._:-]*\.service$/,
    'a unit name such as ssh.service: letters, digits and @ . _ : - only, ending in .service',
  );

export const ServiceRef = InstanceRef.extend({ name: ServiceName });

export const ServiceAction = z.enum(['start', 'stop', 'restart']);
export type ServiceAction = z.infer<typeof ServiceAction>;

export const ServiceBootRequest = z.strictObject({
  enabled: z.boolean().describe('start at boot (enable) or not (disable)'),
});
export type ServiceBootRequest = z.infer<typeof ServiceBootRequest>;

export const ServiceInfo = z.object({
  name: z.string(),
  description: z.string(),
  /** systemd's ACTIVE (active, inactive, failed…); for init scripts running or stopped. */
  active: z.string(),
  /** systemd's SUB state (running, exited, dead…), or the same as active for init scripts. */
  sub: z.string(),
  /** The boot setting: systemd's unit file state (enabled, disabled, static, masked…), or null. */
  boot: z.string().nullable(),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

export const ServiceList = z.object({
  /** What manages services inside: systemd, init scripts (/etc/init.d), or neither. */
  init: z.enum(['systemd', 'sysv', 'none']),
  items: z.array(ServiceInfo),
});
export type ServiceList = z.infer<typeof ServiceList>;
