'use client';
import { useState } from 'react';
import { RefreshCw, Server } from 'lucide-react';
import type { Host } from '@berth/contracts';
import { formatRelative } from '@/lib/format';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useApplyHostUpdates, useHostUpdates, useRefreshHostUpdates } from '@/queries/useUpdates';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { LoadingState } from '@/components/ui/States';
import { PackageTable } from './PackageTable';
import { TaskFollow } from './TaskFollow';

/** One host: Berth's version, apt's upgradable packages, a refresh, and apply with its log. */
export function HostUpdatesCard({ host }: { host: Host }) {
  const me = useMe().data;
  const updates = useHostUpdates(host.id);
  const refresh = useRefreshHostUpdates(host.id);
  const apply = useApplyHostUpdates(host.id);
  const [asking, setAsking] = useState(false);
  const [simulate, setSimulate] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const manage = needs(me, 'host.manage');
  const u = updates.data;
  const security = u?.packages.filter((p) => p.security).length ?? 0;
  const busy = u?.applying ? 'an upgrade is running on this host' : null;

  return (
    <section aria-label={`Updates of ${host.name}`} className="card space-y-3 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 font-semibold">
          <Server aria-hidden size={16} className="text-muted" /> {host.name}
        </h3>
        <div className="flex gap-2">
          <Button
            size="sm"
            busy={refresh.isPending}
            disabledReason={manage ?? busy}
            onClick={() => refresh.mutate()}
          >
            <RefreshCw aria-hidden size={14} /> Check now
          </Button>
          <Button
            size="sm"
            variant="primary"
            disabledReason={
              manage ?? busy ?? (u && u.packages.length === 0 ? 'nothing to upgrade' : null)
            }
            onClick={() => setAsking(true)}
          >
            Apply…
          </Button>
        </div>
      </div>
      {updates.isPending ? (
        <LoadingState label="Asking apt…" />
      ) : updates.isError ? (
        <ErrorMessage error={updates.error} />
      ) : (
        u && (
          <>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-muted">Berth</dt>
              <dd>{u.berthVersion}</dd>
              <dt className="text-muted">Package lists</dt>
              <dd>
                {u.checkedAt
                  ? `refreshed ${formatRelative(u.checkedAt)}`
                  : 'as apt last fetched them'}
              </dd>
              <dt className="text-muted">Upgradable</dt>
              <dd>
                {u.packages.length} package{u.packages.length === 1 ? '' : 's'}
                {security > 0 && `, ${security} security`}
              </dd>
            </dl>
            {u.error && (
              <p role="alert" className="text-sm text-red-700 dark:text-red-300">
                apt-get update: {u.error}
              </p>
            )}
            {u.packages.length > 0 && (
              <PackageTable packages={u.packages} caption={`Upgradable packages on ${host.name}`} />
            )}
          </>
        )
      )}
      {refresh.isError && <ErrorMessage error={refresh.error} />}
      {apply.isError && <ErrorMessage error={apply.error} />}
      {taskId && <TaskFollow taskId={taskId} label={`Upgrade of ${host.name}`} />}
      {asking && (
        <ConfirmDialog
          title={`Upgrade ${host.name}?`}
          confirmLabel={simulate ? 'Simulate' : 'Upgrade'}
          busy={apply.isPending}
          onCancel={() => setAsking(false)}
          onConfirm={() =>
            apply.mutate(
              { simulate },
              {
                onSuccess: (task) => {
                  setTaskId(task.id);
                  setAsking(false);
                },
                onError: () => setAsking(false),
              },
            )
          }
        >
          <p>
            apt-get upgrades the {u?.packages.length ?? 0} packages listed on the host itself. It
            runs as a task with apt&apos;s log; services it restarts may pause for a moment.
          </p>
          <label className="mt-3 flex items-center gap-2 text-fg">
            <input
              type="checkbox"
              checked={simulate}
              onChange={(e) => setSimulate(e.target.checked)}
            />
            Simulate only (apt-get -s: shows what would happen, changes nothing)
          </label>
        </ConfirmDialog>
      )}
    </section>
  );
}
