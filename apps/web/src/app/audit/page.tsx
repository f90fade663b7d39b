'use client';
import type { AuditEvent } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useAudit } from '@/queries/useAudit';
import { formatDate } from '@/lib/format';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ErrorState, PageHeader } from '@/components/ui/States';

const outcomeTone = {
  success: 'text-emerald-800 dark:text-emerald-300',
  failure: 'text-red-700 dark:text-red-300',
  denied: 'text-amber-800 dark:text-amber-300',
};

const columns: Column<AuditEvent>[] = [
  {
    id: 'at',
    header: 'When',
    cell: (a) => formatDate(a.at),
    cellClassName: 'text-xs whitespace-nowrap text-muted',
  },
  { id: 'actor', header: 'Who', cell: (a) => a.actor },
  { id: 'action', header: 'Action', cell: (a) => a.action, cellClassName: 'font-mono text-xs' },
  {
    id: 'target',
    header: 'Target',
    cell: (a) => `${a.targetType}${a.targetId ? ` ${a.targetId}` : ''}`,
    cellClassName: 'max-w-[14rem] truncate text-xs',
    title: (a) => a.targetId ?? undefined,
  },
  {
    id: 'outcome',
    header: 'Outcome',
    cell: (a) => a.outcome,
    cellClassName: (a) => `text-sm font-medium ${outcomeTone[a.outcome]}`,
  },
  {
    id: 'ip',
    header: 'From',
    cell: (a) => a.ip ?? '—',
    className: 'hidden md:table-cell',
    cellClassName: 'text-xs text-muted',
  },
];

export default function AuditPage() {
  const me = useMe();
  const admin = me.data?.role === 'admin';
  const audit = useAudit(200, admin);
  return (
    <>
      <PageHeader title="Audit log" description="Every change, who made it and how it ended." />
      {admin ? (
        <DataTable
          query={audit}
          columns={columns}
          rowKey={(a) => a.id}
          caption="Audit events"
          loadingLabel="Loading the audit log…"
          empty="Nothing recorded yet"
        />
      ) : (
        <ErrorState title="Admins only" error="The audit log is for administrators." />
      )}
    </>
  );
}
