'use client';
import { useState } from 'react';
import type { AuditFilter } from '@berth/contracts';
import { auditExportUrl } from '@/api/audit';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useAuditLog } from '@/queries/useAudit';
import { AuditFilters } from '@/components/audit/AuditFilters';
import { AuditTable } from '@/components/audit/AuditTable';
import { ChainCheck } from '@/components/audit/ChainCheck';
import { RetentionSetting } from '@/components/audit/RetentionSetting';
import { Button } from '@/components/ui/Button';
import { QueryView } from '@/components/ui/DataTable';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

const PAGE = 100;

export default function AuditPage() {
  const me = useMe();
  const canView = can(me.data, 'audit.view');
  const canManage = can(me.data, 'audit.manage');
  const [filter, setFilter] = useState<AuditFilter>({});
  const log = useAuditLog(filter, PAGE, canView);
  const rows = log.data?.pages.flatMap((p) => p.items);

  if (me.isPending) return <LoadingState label="Loading…" />;
  if (!canView)
    return (
      <>
        <PageHeader title="Audit log" />
        <ErrorState
          title="Not for this account"
          error="Reading the audit log needs the audit.view permission (Administrators and Auditors have it)."
        />
      </>
    );
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change: who made it, to what, how it ended, and what it changed. Each row is chained to the one before by its hash."
        actions={
          <>
            <a className="btn-link" href={auditExportUrl(filter, 'csv')} download>
              Export CSV
            </a>
            <a className="btn-link" href={auditExportUrl(filter, 'json')} download>
              Export JSON
            </a>
          </>
        }
      />
      <div className="mb-4">
        <ChainCheck />
      </div>
      <AuditFilters onApply={setFilter} />
      <QueryView
        query={{ ...log, data: rows }}
        loadingLabel="Loading the audit log…"
        empty={Object.values(filter).some(Boolean) ? 'No rows like that' : 'Nothing recorded yet'}
      >
        {(shown) => (
          <>
            <AuditTable events={shown} />
            <div className="mt-3 flex items-center gap-3 text-sm text-muted">
              <span>
                {shown.length.toLocaleString()} rows{log.hasNextPage ? ', more below' : ''}
              </span>
              {log.hasNextPage && (
                <Button
                  size="sm"
                  busy={log.isFetchingNextPage}
                  onClick={() => void log.fetchNextPage()}
                >
                  Load {PAGE} more
                </Button>
              )}
              <Button size="sm" variant="ghost" onClick={() => void log.refetch()}>
                Refresh
              </Button>
            </div>
          </>
        )}
      </QueryView>
      <section aria-labelledby="retention" className="card mt-6 p-4">
        <h2 id="retention" className="mb-2 font-semibold">
          Retention
        </h2>
        <RetentionSetting canManage={canManage} />
      </section>
    </>
  );
}
