'use client';
import { useMe } from '@/queries/useAuth';
import { useAudit } from '@/queries/useAudit';
import { formatDate } from '@/lib/format';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

const outcomeTone = {
  success: 'text-emerald-800 dark:text-emerald-300',
  failure: 'text-red-700 dark:text-red-300',
  denied: 'text-amber-800 dark:text-amber-300',
};

export default function AuditPage() {
  const me = useMe();
  const admin = me.data?.role === 'admin';
  const audit = useAudit(200, admin);
  return (
    <>
      <PageHeader title="Audit log" description="Every change, who made it and how it ended." />
      {!admin ? (
        <ErrorState title="Admins only" error="The audit log is for administrators." />
      ) : audit.isPending ? (
        <LoadingState label="Loading the audit log…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : audit.data.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <div
          className="card overflow-x-auto"
          role="region"
          aria-label="Audit events table"
          tabIndex={0}
        >
          <table className="table-base">
            <caption className="sr-only">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col" className="hidden md:table-cell">
                  From
                </th>
              </tr>
            </thead>
            <tbody>
              {audit.data.map((a) => (
                <tr key={a.id}>
                  <td className="text-xs whitespace-nowrap text-muted">{formatDate(a.at)}</td>
                  <td>{a.actor}</td>
                  <td className="font-mono text-xs">{a.action}</td>
                  <td className="max-w-[14rem] truncate text-xs" title={a.targetId ?? undefined}>
                    {a.targetType}
                    {a.targetId ? ` ${a.targetId}` : ''}
                  </td>
                  <td className={`text-sm font-medium ${outcomeTone[a.outcome]}`}>{a.outcome}</td>
                  <td className="hidden text-xs text-muted md:table-cell">{a.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
