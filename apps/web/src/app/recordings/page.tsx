'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Recording } from '@berth/contracts';
import { can } from '@/lib/can';
import { formatBytes, formatDate, formatDuration } from '@/lib/format';
import { recordingSeconds } from '@/lib/recordings';
import { useMe } from '@/queries/useAuth';
import { useInstances } from '@/queries/useInstances';
import { useRecordings } from '@/queries/useRecordings';
import { RecordingPolicies } from '@/components/recordings/RecordingPolicies';
import { RecordingRetention } from '@/components/recordings/RecordingRetention';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ErrorState, PageHeader } from '@/components/ui/States';

const KIND = { shell: 'Shell', serial: 'Serial port', vnc: 'Screen' } as const;

export default function RecordingsPage() {
  const me = useMe();
  const canView = can(me.data, 'recording.view');
  const instances = useInstances();
  const [instanceId, setInstanceId] = useState('');
  const recordings = useRecordings(
    instanceId ? { instanceId, limit: 500 } : { limit: 500 },
    canView,
  );
  const names = new Map(instances.data?.map((i) => [i.id, i.name]));

  const columns: Column<Recording>[] = [
    {
      id: 'at',
      header: 'Started',
      cell: (r) => formatDate(r.startedAt),
      cellClassName: 'text-xs whitespace-nowrap text-muted',
    },
    { id: 'actor', header: 'Who', cell: (r) => r.actor },
    {
      id: 'instance',
      header: 'Instance',
      cell: (r) => names.get(r.instanceId) ?? r.instanceId.slice(0, 8),
      title: (r) => r.instanceId,
    },
    { id: 'kind', header: 'Console', cell: (r) => KIND[r.kind] },
    {
      id: 'length',
      header: 'Length',
      cell: (r) => (r.endedAt ? formatDuration(recordingSeconds(r)) : 'open now'),
      cellClassName: 'text-sm tabular-nums',
    },
    {
      id: 'size',
      header: 'Size',
      cell: (r) => formatBytes(r.bytes),
      className: 'hidden md:table-cell',
      cellClassName: 'text-xs text-muted tabular-nums',
    },
    {
      id: 'replay',
      header: <span className="sr-only">Replay</span>,
      cell: (r) => (
        <Link
          href={`/recordings/view/?id=${r.id}`}
          className="text-sm font-medium text-sky-700 underline-offset-2 hover:underline dark:text-sky-300"
          aria-label={`Replay the ${KIND[r.kind].toLowerCase()} session of ${r.actor} at ${formatDate(r.startedAt)}`}
        >
          Replay
        </Link>
      ),
    },
  ];

  if (me.data && !canView) {
    return (
      <>
        <PageHeader title="Console recordings" />
        <ErrorState
          title="Not for you"
          error="Replaying console sessions needs the recording.view permission."
        />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Console recordings"
        description="Shell, serial and screen sessions recorded by policy, for replay."
      />
      <RecordingPolicies
        instances={instances.data ?? []}
        canManage={can(me.data, 'recording.manage')}
      />
      <RecordingRetention canManage={can(me.data, 'recording.manage')} />
      <section aria-labelledby="recordings-title" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <h2 id="recordings-title" className="text-lg font-semibold">
            Recordings
          </h2>
          <label className="flex items-center gap-2 text-sm">
            Instance
            <select
              value={instanceId}
              onChange={(e) => setInstanceId(e.target.value)}
              className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
            >
              <option value="">All</option>
              {(instances.data ?? []).map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <DataTable
          query={recordings}
          columns={columns}
          rowKey={(r) => r.id}
          caption="Console recordings"
          loadingLabel="Loading recordings…"
          empty="No console has been recorded yet"
        />
      </section>
    </>
  );
}
