import type { InstanceAction, InstanceKind, InstanceState } from './instances.js';

/**
 * What can be done to an instance in which state: one table for the agent (which refuses),
 * the API (which answers 409 before queueing a task) and the web (which says why a button
 * is disabled). A capability that adds a verb (snapshot, migrate, backup) adds its rows here.
 */
export type InstanceVerb =
  InstanceAction | 'exec' | 'console' | 'screenshot' | 'delete' | 'unprivilege';

interface Rule {
  /** The states the verb runs from. */
  from: readonly InstanceState[];
  /** Why not, for any other state. */
  why: (state: InstanceState) => string;
}

const CT = 'the container';
const VM = 'the VM';
const notRunning = (noun: string) => (s: InstanceState) => `${noun} is ${s}, not running`;
const deleteFirst = (noun: string) => (s: InstanceState) =>
  `${noun} is ${s}; stop it first or delete with force`;

const RULES: Record<InstanceKind, Partial<Record<InstanceVerb, Rule>>> = {
  ct: {
    start: {
      from: ['stopped'],
      why: (s) =>
        s === 'running'
          ? `${CT} is already running`
          : s === 'frozen'
            ? `${CT} is suspended; resume it instead`
            : `${CT} is ${s}`,
    },
    stop: { from: ['running', 'frozen'], why: notRunning(CT) },
    restart: {
      from: ['running'],
      why: (s) => (s === 'frozen' ? `${CT} is suspended; resume it first` : notRunning(CT)(s)),
    },
    suspend: {
      from: ['running'],
      why: (s) => `only a running container can be suspended (it is ${s})`,
    },
    resume: {
      from: ['frozen'],
      why: (s) => `only a suspended container can be resumed (it is ${s})`,
    },
    exec: {
      from: ['running'],
      why: (s) => (s === 'frozen' ? `${CT} is suspended; resume it first` : notRunning(CT)(s)),
    },
    console: {
      from: ['running'],
      why: (s) => (s === 'frozen' ? `${CT} is suspended; resume it first` : notRunning(CT)(s)),
    },
    delete: { from: ['stopped'], why: deleteFirst(CT) },
    // Its files change owner: nothing may be running from them meanwhile.
    unprivilege: {
      from: ['stopped'],
      why: (s) => `${CT} is ${s}; stop it before making it unprivileged`,
    },
  },
  vm: {
    start: {
      from: ['stopped'],
      why: (s) =>
        s === 'running'
          ? `${VM} is already running`
          : s === 'suspended'
            ? `${VM} is suspended to disk; resume it instead`
            : `${VM} is ${s}`,
    },
    stop: { from: ['running', 'paused'], why: notRunning(VM) },
    restart: { from: ['running'], why: notRunning(VM) },
    suspend: {
      from: ['running', 'paused'],
      why: (s) => `only a running VM can be suspended (it is ${s})`,
    },
    resume: {
      from: ['suspended'],
      why: (s) =>
        `only a VM suspended to disk can be resumed (it is ${s})${s === 'paused' ? '; a paused VM unpauses' : ''}`,
    },
    reset: { from: ['running'], why: notRunning(VM) },
    pause: { from: ['running'], why: notRunning(VM) },
    unpause: { from: ['paused'], why: (s) => `only a paused VM can be unpaused (it is ${s})` },
    exec: { from: ['running'], why: notRunning(VM) },
    console: {
      from: ['running', 'paused'],
      why: (s) => `${VM} is ${s}: there is no screen to show`,
    },
    screenshot: {
      from: ['running', 'paused'],
      why: (s) => `${VM} is ${s}: there is no screen to show`,
    },
    delete: { from: ['stopped', 'suspended'], why: deleteFirst(VM) },
  },
};

/** Why a kind has no such verb at all (a request for it is malformed, not ill-timed). */
const NOT_OFFERED: Record<InstanceKind, Partial<Record<InstanceVerb, string>>> = {
  ct: {
    reset: 'reset is for VMs; containers use suspend and resume',
    pause: 'pause is for VMs; containers use suspend and resume',
    unpause: 'unpause is for VMs; containers use suspend and resume',
    screenshot: 'screenshots are of VM screens; containers have none',
  },
  vm: { unprivilege: 'VMs have no user namespace to convert; only containers can be privileged' },
};

const ORDER: readonly InstanceAction[] = [
  'start',
  'stop',
  'restart',
  'suspend',
  'resume',
  'pause',
  'unpause',
  'reset',
];

/** Whether this kind has the verb at all. */
export const offers = (kind: InstanceKind, verb: InstanceVerb): boolean =>
  RULES[kind][verb] !== undefined;

/** Why the verb is not offered for this kind, or null when it is. */
export const notOffered = (kind: InstanceKind, verb: InstanceVerb): string | null =>
  offers(kind, verb)
    ? null
    : (NOT_OFFERED[kind][verb] ??
      `${verb} is not available for ${kind === 'vm' ? 'VMs' : 'containers'}`);

/** Why the verb cannot run on an instance of this kind in this state, or null when it can. */
export function whyNot(
  kind: InstanceKind,
  verb: InstanceVerb,
  state: InstanceState,
): string | null {
  const rule = RULES[kind][verb];
  if (!rule) return notOffered(kind, verb);
  return rule.from.includes(state) ? null : rule.why(state);
}

/** The lifecycle actions a kind offers, in the order a UI shows them. */
export const actionsFor = (kind: InstanceKind): InstanceAction[] =>
  ORDER.filter((action) => offers(kind, action));

/**
 * The kinds of work that can be cancelled: they roll back through their failure path, so a
 * cancelled one leaves nothing half-made. Others (a stop, a delete) run to their end. Here,
 * apart from the zod schemas, for the web's first screen (a task's Cancel button).
 */
export const CANCELLABLE_KINDS: ReadonlySet<string> = new Set([
  'instance.create',
  'template.build',
]);
