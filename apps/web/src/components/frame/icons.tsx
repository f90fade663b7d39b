import type { LucideIcon, LucideProps } from 'lucide-react';
import {
  ArrowRight,
  Box,
  Camera,
  CircleHelp,
  CirclePause,
  CirclePlay,
  CircleStop,
  LoaderCircle,
  Monitor,
  Moon,
  Play,
  RotateCcw,
  RotateCw,
  Snowflake,
  Square,
  StepForward,
  Terminal,
  Zap,
} from 'lucide-react';
import type { InstanceAction, InstanceKind, InstanceState } from '@berth/contracts';
import { NAV_PAGES } from '@/lib/navigation';

/*
 * The console's icon vocabulary in one place, so a container, a running state or "restart"
 * looks the same in the tree, the tables, the palette and the action bars. Named imports
 * keep the bundle to the icons used.
 */

export const kindIcon: Record<InstanceKind, LucideIcon> = { ct: Box, vm: Monitor };

export const stateIcon: Record<InstanceState, { icon: LucideIcon; tone: string }> = {
  running: { icon: CirclePlay, tone: 'text-emerald-600 dark:text-emerald-400' },
  stopped: { icon: CircleStop, tone: 'text-slate-500 dark:text-slate-400' },
  starting: { icon: LoaderCircle, tone: 'text-sky-600 dark:text-sky-400' },
  stopping: { icon: LoaderCircle, tone: 'text-sky-600 dark:text-sky-400' },
  paused: { icon: CirclePause, tone: 'text-amber-600 dark:text-amber-400' },
  frozen: { icon: Snowflake, tone: 'text-indigo-600 dark:text-indigo-400' },
  suspended: { icon: Moon, tone: 'text-indigo-600 dark:text-indigo-400' },
  unknown: { icon: CircleHelp, tone: 'text-red-600 dark:text-red-400' },
};

export const actionIcon: Record<InstanceAction, LucideIcon> = {
  start: Play,
  stop: Square,
  restart: RotateCw,
  reset: Zap,
  suspend: Moon,
  resume: StepForward,
  pause: CirclePause,
  unpause: RotateCcw,
};

export function KindIcon({ kind, ...props }: { kind: InstanceKind } & LucideProps) {
  const Icon = kindIcon[kind];
  return <Icon aria-hidden size={16} {...props} />;
}

/**
 * A state as an icon in its colour, named by the state (or `decorative` when text beside it
 * already says it).
 */
export function StateIcon({
  state,
  decorative,
  className = '',
  ...props
}: { state: InstanceState; decorative?: boolean } & LucideProps) {
  const { icon: Icon, tone } = stateIcon[state];
  const spin = state === 'starting' || state === 'stopping' ? 'animate-spin' : '';
  const a11y = decorative
    ? ({ 'aria-hidden': true } as const)
    : ({ role: 'img', 'aria-label': state === 'frozen' ? 'suspended' : state } as const);
  return (
    <Icon {...a11y} size={14} className={`shrink-0 ${tone} ${spin} ${className}`} {...props} />
  );
}

const pageIcons = new Map(NAV_PAGES.map((p) => [`page:${p.href}`, p.icon]));

/** The icon for a palette command's icon key ("vm", "start", "page:/tasks/", "console"). */
export function iconFor(key: string): LucideIcon {
  if (key === 'vm' || key === 'ct') return kindIcon[key];
  if (key === 'console') return Terminal;
  if (key === 'snapshot') return Camera;
  if (key in actionIcon) return actionIcon[key as InstanceAction];
  return pageIcons.get(key) ?? ArrowRight;
}
