'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useCallback, useMemo, useState } from 'react';
import { whyNot, type Instance, type InstanceAction } from '@berth/contracts';
import { useInstanceAction, useInstances } from '@/queries/useInstances';
import { useHosts } from '@/queries/useHosts';
import { useMe } from '@/queries/useAuth';
import { busyReason, shownState } from '@/lib/instanceActions';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { formatBytes, formatDuration } from '@/lib/format';
import { BulkBar } from '@/components/instances/BulkBar';
import { ScreenThumbnail } from '@/components/instances/ScreenThumbnail';
import { RowActions } from '@/components/instances/RowActions';
import { PrivilegedBadge } from '@/components/instances/Privileged';
import { DisabledBadge } from '@/components/instances/DisabledBadge';
import { INSTANCE_STATES, KindBadge, StateBadge, stateText } from '@/components/ui/StateBadge';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { DrawMore } from '@/components/ui/DrawMore';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

type SortKey = 'name' | 'ctid' | 'state' | 'kind' | 'createdAt';

/**
 * Rows added by each "Show more": 500 rows of a table cost the page most of a second to lay
 * out. Of the first PAGE, a screen shows some fifteen at 1280x800: DRAWN_FIRST are drawn, and
 * the rest when the table is scrolled near its last row.
 */
const PAGE = 50;
const DRAWN_FIRST = 20;

function sortBy(items: Instance[], key: SortKey, dir: 1 | -1): Instance[] {
  const val = (i: Instance): string | number =>
    key === 'ctid' ? (i.ctid ?? Number.MAX_SAFE_INTEGER) : i[key];
  return [...items].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    return (x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name)) * dir;
  });
}

function Select({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
}) {
  return (
    <div>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}

function InstancesView() {
  const params = useSearchParams();
  const router = useRouter();
  const instances = useInstances();
  const hosts = useHosts();
  const active = useActiveTaskByInstance();
  const me = useMe().data;
  // One mutation for every row's menu: 500 rows must not mean 500 mutation observers.
  const act = useInstanceAction();
  const rowAct = (instance: Instance, action: InstanceAction, opts: { force?: boolean }) =>
    act.mutate(
      { id: instance.id, action, force: opts.force },
      {
        onError: (e) =>
          toast({ tone: 'error', title: `Cannot ${action} ${instance.name}`, body: errorText(e) }),
      },
    );
  const filters = {
    q: params.get('q') ?? '',
    kind: params.get('kind') ?? '',
    state: params.get('state') ?? '',
    host: params.get('host') ?? '',
    tag: params.get('tag') ?? '',
  };
  // The search box is local (typing must not wait for the router); the rest lives in the URL.
  const [q, setQ] = useState(filters.q);
  const [sort, setSort] = useState<SortKey>('name');
  const [dir, setDir] = useState<1 | -1>(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [limit, setLimit] = useState(DRAWN_FIRST);
  const drawPage = useCallback(() => setLimit((n) => Math.max(n, PAGE)), []);

  const setFilter = (key: keyof typeof filters) => (v: string) => {
    const p = new URLSearchParams(window.location.search);
    if (v) p.set(key, v);
    else p.delete(key);
    const s = p.toString();
    router.replace(`/instances/${s ? `?${s}` : ''}`, { scroll: false });
  };

  const all = instances.data;
  const tags = useMemo(() => [...new Set(all?.flatMap((i) => i.tags))].sort(), [all]);
  const hostName = new Map(hosts.data?.map((h) => [h.id, h.name]));
  const { kind, state, host, tag } = filters;
  const rows = useMemo(() => {
    if (!all) return [];
    const needle = q.trim().toLowerCase();
    return sortBy(
      all.filter(
        (i) =>
          (!kind || i.kind === kind) &&
          (!state || stateText(i.state) === state) &&
          (!host || i.hostId === host) &&
          (!tag || i.tags.includes(tag)) &&
          (!needle ||
            i.name.toLowerCase().includes(needle) ||
            (i.ctid !== null && String(i.ctid).startsWith(needle))),
      ),
      sort,
      dir,
    );
  }, [all, q, kind, state, host, tag, sort, dir]);

  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  // Only rows that still exist and are shown count as selected.
  const chosen = shown.filter((i) => selected.has(i.id));
  const allChosen = shown.length > 0 && chosen.length === shown.length;
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const header = (key: SortKey, label: string, className = '') => (
    <th
      scope="col"
      className={className}
      aria-sort={sort === key ? (dir === 1 ? 'ascending' : 'descending') : undefined}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 uppercase hover:text-fg"
        onClick={() => {
          if (sort === key) setDir((d) => (d === 1 ? -1 : 1));
          else {
            setSort(key);
            setDir(1);
          }
        }}
      >
        {label}
        <span aria-hidden>{sort === key ? (dir === 1 ? '▲' : '▼') : ''}</span>
      </button>
    </th>
  );

  return (
    <>
      <PageHeader
        title="Instances"
        description="Virtual machines and containers on every host."
        actions={
          <>
            <Link prefetch={false} href="/instances/new/?kind=ct" className="btn-link">
              New container
            </Link>
            <Link prefetch={false} href="/instances/new/?kind=vm" className="btn-link-primary">
              New VM
            </Link>
          </>
        }
      />

      <div role="search" className="mb-4 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <div className="col-span-2 sm:col-span-3 lg:col-span-2">
          <label htmlFor="f-q" className="sr-only">
            Search by name or CT ID
          </label>
          <input
            id="f-q"
            type="search"
            className="input"
            placeholder="Search name or CT ID"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <Select
          id="f-kind"
          label="Kind"
          value={kind}
          onChange={setFilter('kind')}
          options={[
            ['', 'All kinds'],
            ['vm', 'VMs'],
            ['ct', 'Containers'],
          ]}
        />
        <Select
          id="f-state"
          label="State"
          value={state}
          onChange={setFilter('state')}
          options={[
            ['', 'All states'],
            // A container's "frozen" and a VM's "suspended" read the same: one entry for both.
            ...[...new Set(INSTANCE_STATES.map(stateText))].map((s): [string, string] => [s, s]),
          ]}
        />
        <Select
          id="f-host"
          label="Host"
          value={host}
          onChange={setFilter('host')}
          options={[
            ['', 'All hosts'],
            ...(hosts.data ?? []).map((h): [string, string] => [h.id, h.name]),
          ]}
        />
        <Select
          id="f-tag"
          label="Tag"
          value={tag}
          onChange={setFilter('tag')}
          options={[['', 'All tags'], ...tags.map((t): [string, string] => [t, t])]}
        />
      </div>

      <BulkBar
        selected={chosen.filter((i) => !active.has(i.id))}
        busyCount={chosen.filter((i) => active.has(i.id)).length}
        onDone={() => setSelected(new Set())}
      />

      {instances.isPending ? (
        <LoadingState label="Loading instances…" />
      ) : instances.isError ? (
        <ErrorState error={instances.error} onRetry={() => void instances.refetch()} />
      ) : instances.data.length === 0 ? (
        <EmptyState title="No instances yet">
          Create a{' '}
          <Link className="link" href="/instances/new/?kind=ct">
            container
          </Link>{' '}
          or a{' '}
          <Link className="link" href="/instances/new/?kind=vm">
            VM
          </Link>
          .
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title="Nothing matches these filters" />
      ) : (
        <div
          className="card overflow-x-auto"
          role="region"
          aria-label="Instances table"
          tabIndex={0}
        >
          <table className="table-base">
            <caption className="sr-only">Instances</caption>
            <thead>
              <tr>
                <th scope="col" className="w-8">
                  <input
                    type="checkbox"
                    aria-label="Select all shown instances"
                    checked={allChosen}
                    onChange={() =>
                      setSelected(allChosen ? new Set() : new Set(shown.map((i) => i.id)))
                    }
                  />
                </th>
                {header('name', 'Name')}
                {header('kind', 'Kind', 'hidden sm:table-cell')}
                {header('ctid', 'CT ID', 'hidden sm:table-cell')}
                {header('state', 'State')}
                <th scope="col" className="hidden md:table-cell">
                  IP
                </th>
                <th scope="col" className="hidden lg:table-cell">
                  Resources
                </th>
                <th scope="col" className="hidden lg:table-cell">
                  Host
                </th>
                <th scope="col" className="text-right">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => (
                <tr
                  key={i.id}
                  data-instance={i.name}
                  className="hover:bg-slate-50 dark:hover:bg-slate-800/50"
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${i.name}`}
                      checked={selected.has(i.id)}
                      onChange={() => toggle(i.id)}
                    />
                  </td>
                  <td className="max-w-[18rem]">
                    <div className="flex items-center gap-2">
                      {whyNot(i.kind, 'screenshot', i.state) === null && (
                        <ScreenThumbnail instance={i} />
                      )}
                      <div className="min-w-0">
                        {/* Not prefetched: each row in view fetched the instance page's data
                            and code just after the list was drawn, which kept the page busy. */}
                        <Link
                          href={`/instances/view/?id=${i.id}`}
                          prefetch={false}
                          className="link-plain font-medium"
                        >
                          {i.name}
                        </Link>
                        {i.privileged && (
                          <span className="ml-1.5">
                            <PrivilegedBadge />
                          </span>
                        )}
                        {i.disabled && (
                          <span className="ml-1.5">
                            <DisabledBadge />
                          </span>
                        )}
                        <span className="ml-1 text-xs text-muted sm:hidden">
                          {i.kind === 'vm' ? 'VM' : `CT ${i.ctid ?? ''}`}
                        </span>
                        {i.tags.length > 0 && (
                          <div className="mt-0.5 flex flex-wrap gap-1">
                            {i.tags.map((t) => (
                              <span
                                key={t}
                                className="rounded bg-slate-100 px-1.5 text-xs text-muted dark:bg-slate-800"
                              >
                                {t}
                              </span>
                            ))}
                          </div>
                        )}
                      </div>
                    </div>
                  </td>
                  <td className="hidden sm:table-cell">
                    <KindBadge kind={i.kind} />
                  </td>
                  <td className="hidden tabular-nums sm:table-cell">{i.ctid ?? '—'}</td>
                  <td className="whitespace-nowrap">
                    <StateBadge state={shownState(i.state, active.get(i.id))} />
                    {i.state === 'running' && i.uptimeSeconds != null && (
                      <span className="ml-1 hidden text-xs text-muted xl:inline">
                        {formatDuration(i.uptimeSeconds)}
                      </span>
                    )}
                  </td>
                  <td className="hidden font-mono text-xs md:table-cell">
                    {i.ips.join(', ') || '—'}
                  </td>
                  <td className="hidden text-xs text-muted lg:table-cell">
                    {i.vm ? `${i.vm.vcpus} vCPU · ${i.vm.memoryMiB} MiB · ` : ''}
                    {formatBytes(i.diskSizeBytes)} disk
                  </td>
                  <td className="hidden text-xs text-muted lg:table-cell">
                    {(i.hostId && hostName.get(i.hostId)) ?? i.hostId ?? '—'}
                  </td>
                  <td className="text-right">
                    <RowActions
                      instance={i}
                      me={me}
                      busy={busyReason(active.get(i.id))}
                      onAct={rowAct}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {limit < PAGE && shown.length < rows.length && <DrawMore key={limit} onSeen={drawPage} />}
          {shown.length < rows.length && (
            <div className="flex items-center gap-3 border-t border-line px-3 py-2 text-sm">
              <span className="text-muted">
                Showing {shown.length} of {rows.length}
              </span>
              <button type="button" className="btn-link" onClick={() => setLimit((n) => n + PAGE)}>
                Show {Math.min(PAGE, rows.length - shown.length)} more
              </button>
              <button type="button" className="btn-link" onClick={() => setLimit(rows.length)}>
                Show all {rows.length}
              </button>
            </div>
          )}
        </div>
      )}
    </>
  );
}

export default function InstancesPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <InstancesView />
    </Suspense>
  );
}
