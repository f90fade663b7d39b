'use client';
import type { Instance } from '@berth/contracts';
import { useHosts } from '@/queries/useHosts';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { shownState } from '@/lib/instanceActions';
import { KindIcon } from '@/components/frame/icons';
import { KindBadge, StateBadge } from '@/components/ui/StateBadge';
import { InstanceActions } from './InstanceActions';
import { PrivilegedBadge } from './Privileged';
import { DisabledBadge } from './DisabledBadge';

/**
 * Who the instance is and what can be done now: name, state (with the task in flight, so a
 * long VM start reads "starting"), kind, host, then the actions its state calls for.
 */
export function InstanceHeader({ instance: i }: { instance: Instance }) {
  const task = useActiveTaskByInstance().get(i.id);
  const host = useHosts().data?.find((h) => h.id === i.hostId);
  return (
    <div className="mb-4 flex flex-wrap items-start justify-between gap-x-6 gap-y-3">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <KindIcon kind={i.kind} size={22} className="shrink-0 text-muted" />
          <h1 className="text-2xl font-semibold tracking-tight break-all">{i.name}</h1>
          <StateBadge state={shownState(i.state, task)} />
          {i.privileged && <PrivilegedBadge />}
          {i.disabled && <DisabledBadge />}
        </div>
        <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
          <KindBadge kind={i.kind} />
          <span>{i.kind === 'vm' ? 'Virtual machine' : `Container ${i.ctid ?? ''}`}</span>
          {(host || i.hostId) && (
            <span>
              on <span className="text-fg">{host?.name ?? i.hostId}</span>
            </span>
          )}
        </p>
      </div>
      <InstanceActions instance={i} />
    </div>
  );
}
