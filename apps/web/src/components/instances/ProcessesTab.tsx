'use client';
import { useMemo, useState } from 'react';
import { MoreHorizontal } from 'lucide-react';
import {
  ProcessSignal,
  type Instance,
  type ProcessInfo,
  type ProcessSignal as Signal,
} from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useProcesses, useSignalProcess } from '@/queries/useProcesses';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { formatBytes, formatDate } from '@/lib/format';
import { toast } from '@/lib/toast';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Menu } from '@/components/ui/Menu';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { FilterInput } from '@/components/ui/FilterInput';

type SortKey =
  'pid' | 'hostPid' | 'user' | 'state' | 'cpuPercent' | 'rssBytes' | 'startedAt' | 'command';

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean; className?: string }> = [
  { key: 'pid', label: 'PID', numeric: true },
  { key: 'hostPid', label: 'Host PID', numeric: true, className: 'hidden md:table-cell' },
  { key: 'user', label: 'User' },
  { key: 'state', label: 'State' },
  { key: 'cpuPercent', label: 'CPU %', numeric: true },
  { key: 'rssBytes', label: 'Memory', numeric: true, className: 'hidden sm:table-cell' },
  { key: 'startedAt', label: 'Started', className: 'hidden lg:table-cell' },
  { key: 'command', label: 'Command' },
];

const STATES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'disk wait',
  T: 'stopped',
  t: 'traced',
  Z: 'zombie',
  I: 'idle',
  X: 'dead',
};

/** What each signal usually asks of a process, for the menu. */
const SIGNAL_HINTS: Record<Signal, string> = {
  TERM: 'ask it to end',
  KILL: 'end it at once',
  HUP: 'reload or hang up',
  INT: 'interrupt',
  STOP: 'pause',
  CONT: 'resume',
  USR1: 'user signal 1',
  USR2: 'user signal 2',
};

function compare(a: ProcessInfo, b: ProcessInfo, key: SortKey): number {
  const x = a[key];
  const y = b[key];
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return typeof x === 'number' && typeof y === 'number'
    ? x - y
    : String(x).localeCompare(String(y));
}

/**
 * The processes inside a running instance, refreshed every 2 s while this tab is shown:
 * sort by any column, filter by text, and send a signal (KILL asks first).
 */
export function ProcessesTab({ instance }: { instance: Instance }) {
  const running = instance.state === 'running';
  const q = useProcesses(instance.id, running);
  const send = useSignalProcess(instance.id);
  const me = useMe().data;
  const cannotSignal = needs(me, 'instance.power', instance);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({
    key: 'cpuPercent',
    desc: true,
  });
  const [confirm, setConfirm] = useState<ProcessInfo | null>(null);

  // A container's process is addressed by its host pid, a VM guest's by its own.
  const target = (p: ProcessInfo) => (instance.kind === 'ct' ? p.hostPid : p.pid);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const shown = (q.data?.items ?? []).filter(
      (p) =>
        !needle ||
        p.command.toLowerCase().includes(needle) ||
        p.user.toLowerCase().includes(needle) ||
        String(p.pid) === needle ||
        String(p.hostPid) === needle,
    );
    const sorted = [...shown].sort((a, b) => compare(a, b, sort.key));
    return sort.desc ? sorted.reverse() : sorted;
  }, [q.data, filter, sort]);

  const signal = (p: ProcessInfo, s: Signal) => {
    const pid = target(p);
    if (pid === null) return;
    send.mutate(
      { pid, signal: s },
      {
        onSuccess: () => toast({ tone: 'success', title: `Sent ${s} to ${pid}`, body: p.command }),
        onError: (e) =>
          toast({ tone: 'error', title: `Could not send ${s} to ${pid}`, body: errorText(e) }),
      },
    );
  };

  if (!running) return <EmptyState title="Processes are shown while the instance runs" />;
  if (q.isPending) return <LoadingState label="Reading the processes…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const list = q.data!;
  const header = (c: (typeof COLUMNS)[number]) => {
    const active = sort.key === c.key;
    return (
      <th
        key={c.key}
        scope="col"
        className={`${c.className ?? ''} ${c.numeric ? 'text-right' : ''}`}
        aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      >
        <button
          type="button"
          className="font-semibold hover:underline"
          onClick={() =>
            setSort(active ? { key: c.key, desc: !sort.desc } : { key: c.key, desc: !!c.numeric })
          }
        >
          {c.label}
          {active ? (sort.desc ? ' ↓' : ' ↑') : ''}
        </button>
      </th>
    );
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <FilterInput
          label="Filter processes"
          placeholder="Filter by command, user or pid"
          value={filter}
          onChange={setFilter}
        />
        <p className="text-sm text-muted" aria-live="polite">
          {rows.length} of {list.items.length} processes
          {list.source === 'guest-agent' ? ' · from the guest agent' : ''}
          {list.intervalMs !== null
            ? ` · CPU over the last ${(list.intervalMs / 1000).toFixed(1)} s`
            : ''}
          {q.isError ? ' · refresh failed, showing the last list' : ''}
        </p>
      </div>
      <div className="card overflow-x-auto" role="region" aria-label="Processes table" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">Processes inside {instance.name}</caption>
          <thead>
            <tr>
              {COLUMNS.map(header)}
              <th scope="col">
                <span className="sr-only">Signal</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={`${p.hostPid ?? ''}-${p.pid ?? ''}`}>
                <td className="text-right tabular-nums">{p.pid ?? '–'}</td>
                <td className="hidden text-right tabular-nums md:table-cell">{p.hostPid ?? '–'}</td>
                <td>{p.user}</td>
                <td title={STATES[p.state]}>{p.state}</td>
                <td className="text-right tabular-nums">{p.cpuPercent?.toFixed(1) ?? '–'}</td>
                <td className="hidden text-right tabular-nums sm:table-cell">
                  {p.rssBytes === null ? '–' : formatBytes(p.rssBytes)}
                </td>
                <td className="hidden lg:table-cell">
                  {p.startedAt ? formatDate(p.startedAt) : '–'}
                </td>
                <td className="max-w-md truncate font-mono text-xs" title={p.command}>
                  {p.command}
                </td>
                <td>
                  <Menu
                    compact
                    trigger={<MoreHorizontal aria-hidden size={16} />}
                    label={`Send a signal to ${target(p) ?? 'this process'}`}
                    items={ProcessSignal.options.map((s) => ({
                      key: s,
                      label: `${s} — ${SIGNAL_HINTS[s]}`,
                      danger: s === 'KILL',
                      disabledReason:
                        cannotSignal ?? (target(p) === null ? 'no pid to signal' : null),
                      onSelect: () => (s === 'KILL' ? setConfirm(p) : signal(p, s)),
                    }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirm && (
        <ConfirmDialog
          title={`Kill process ${target(confirm)}?`}
          confirmLabel="Kill"
          danger
          busy={send.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            signal(confirm, 'KILL');
            setConfirm(null);
          }}
        >
          <p>
            KILL ends <code className="font-mono">{confirm.command}</code> at once, without letting
            it save or clean up.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
