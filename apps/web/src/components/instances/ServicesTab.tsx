'use client';
import { useMemo, useState } from 'react';
import { MoreHorizontal } from 'lucide-react';
import type { Instance, ServiceAction, ServiceInfo } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useServiceChange, useServices } from '@/queries/useProcesses';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { Menu, type MenuItem } from '@/components/ui/Menu';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { TableHead } from '@/components/ui/TableHead';
import { FilterInput } from '@/components/ui/FilterInput';

const INIT_NAMES = { systemd: 'systemd units', sysv: 'init scripts in /etc/init.d', none: '' };

const tone = (s: ServiceInfo) =>
  s.active === 'active'
    ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
    : s.active === 'failed'
      ? 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200'
      : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300';

/**
 * A unit systemd has loaded from an installed file: one only named by another unit (no unit
 * file, its description is its name) or a file systemd never loaded (no description) is noise.
 */
const isInstalledAndLoaded = (s: ServiceInfo) =>
  s.boot !== null && s.description !== '' && s.description !== s.name;

/** Services inside a running container, with their state and boot setting, and their actions. */
export function ServicesTab({ instance }: { instance: Instance }) {
  const running = instance.state === 'running';
  const q = useServices(instance.id, running && instance.kind === 'ct');
  const change = useServiceChange(instance.id);
  const me = useMe().data;
  const cannotPower = needs(me, 'instance.power', instance);
  const cannotConfigure = needs(me, 'instance.configure', instance);
  const [filter, setFilter] = useState('');
  const [installedOnly, setInstalledOnly] = useState(true);

  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (q.data?.items ?? []).filter(
      (s) =>
        (!installedOnly || s.active !== 'inactive' || isInstalledAndLoaded(s)) &&
        !s.name.includes('@.') &&
        (!needle ||
          s.name.toLowerCase().includes(needle) ||
          s.description.toLowerCase().includes(needle)),
    );
  }, [q.data, filter, installedOnly]);

  if (instance.kind === 'vm')
    return (
      <EmptyState title="Services are listed for containers">
        In a VM, run <code>systemctl</code> from the Summary tab&apos;s Run a command.
      </EmptyState>
    );
  if (!running) return <EmptyState title="Services are shown while the container runs" />;
  if (q.isPending) return <LoadingState label="Asking the container's init…" />;
  if (q.isError || !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.init === 'none')
    return <EmptyState title="This container runs neither systemd nor init scripts" />;

  const run = (s: ServiceInfo, what: { action: ServiceAction } | { enabled: boolean }) => {
    const verb = 'action' in what ? what.action : what.enabled ? 'enable' : 'disable';
    change.mutate(
      { name: s.name, ...what },
      {
        onSuccess: (after) =>
          toast({
            tone: 'success',
            title: `${s.name}: ${verb} done`,
            body: `now ${after.active}, boot ${after.boot ?? '–'}`,
          }),
        onError: (e) =>
          toast({ tone: 'error', title: `${s.name}: ${verb} failed`, body: errorText(e) }),
      },
    );
  };
  const items = (s: ServiceInfo): MenuItem[] => [
    ...(['start', 'stop', 'restart'] as const).map((action) => ({
      key: action,
      label: action[0]!.toUpperCase() + action.slice(1),
      disabledReason: cannotPower,
      onSelect: () => run(s, { action }),
    })),
    {
      key: 'enable',
      label: 'Start at boot',
      disabledReason: cannotConfigure ?? (s.boot === 'enabled' ? 'starts at boot already' : null),
      onSelect: () => run(s, { enabled: true }),
    },
    {
      key: 'disable',
      label: 'Do not start at boot',
      disabledReason: cannotConfigure ?? (s.boot === 'disabled' ? 'does not start at boot' : null),
      onSelect: () => run(s, { enabled: false }),
    },
  ];

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <FilterInput
          label="Filter services"
          placeholder="Filter by name or description"
          value={filter}
          onChange={setFilter}
        />
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={installedOnly}
            onChange={(e) => setInstalledOnly(e.target.checked)}
          />
          Hide stopped units that are not installed or not loaded
        </label>
        <p className="text-sm text-muted" aria-live="polite">
          {rows.length} of {q.data.items.length} {INIT_NAMES[q.data.init]}
        </p>
      </div>
      <div className="card overflow-x-auto" role="region" aria-label="Services table" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">Services inside {instance.name}</caption>
          <TableHead
            columns={[
              { label: 'Service' },
              { label: 'State' },
              { label: 'At boot' },
              { label: 'Description', className: 'hidden md:table-cell' },
            ]}
          />
          <tbody>
            {rows.map((s) => (
              <tr key={s.name}>
                <td className="font-mono text-xs">{s.name}</td>
                <td>
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tone(s)}`}>
                    {s.active}
                    {s.sub !== s.active ? ` (${s.sub})` : ''}
                  </span>
                </td>
                <td>{s.boot ?? '–'}</td>
                <td className="hidden max-w-md truncate md:table-cell" title={s.description}>
                  {s.description}
                </td>
                <td>
                  <Menu
                    compact
                    trigger={<MoreHorizontal aria-hidden size={16} />}
                    label={`Actions for ${s.name}`}
                    items={items(s)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
