'use client';
import type { HostAdapter } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { useHostAdapters } from '@/queries/useNetworks';
import { DataTable, type Column } from '@/components/ui/DataTable';

const columns: Column<HostAdapter>[] = [
  { id: 'name', header: 'Name', cell: (a) => a.name, cellClassName: 'font-mono text-xs' },
  { id: 'kind', header: 'Kind', cell: (a) => a.kind },
  { id: 'state', header: 'State', cell: (a) => a.state },
  {
    id: 'addresses',
    header: 'Addresses',
    cell: (a) => a.addresses.join(', ') || '—',
    cellClassName: 'max-w-[18rem] truncate font-mono text-xs',
    title: (a) => a.addresses.join(', ') || undefined,
  },
  { id: 'mtu', header: 'MTU', cell: (a) => a.mtu, cellClassName: 'tabular-nums' },
  {
    id: 'mac',
    header: 'MAC',
    cell: (a) => a.mac ?? '—',
    className: 'hidden lg:table-cell',
    cellClassName: 'font-mono text-xs',
  },
  {
    id: 'speed',
    header: 'Speed',
    cell: (a) => (a.speedMbps ? `${a.speedMbps} Mb/s` : '—'),
    className: 'hidden md:table-cell',
  },
  {
    id: 'traffic',
    header: 'Received / sent',
    cell: (a) => `${formatBytes(a.rxBytes)} / ${formatBytes(a.txBytes)}`,
    className: 'hidden md:table-cell',
    cellClassName: 'tabular-nums',
  },
  {
    id: 'master',
    header: 'On bridge',
    cell: (a) => a.master ?? '—',
    className: 'hidden xl:table-cell',
  },
];

/** The host's adapters as the kernel reports them (read-only). */
export function HostAdapters() {
  const adapters = useHostAdapters();
  return (
    <section aria-labelledby="host-adapters" className="space-y-2">
      <h2 id="host-adapters" className="font-semibold">
        Host adapters
      </h2>
      <DataTable
        query={adapters}
        columns={columns}
        rowKey={(a) => a.name}
        caption="Host adapters"
        loadingLabel="Loading adapters…"
        empty="No adapters"
      />
    </section>
  );
}
