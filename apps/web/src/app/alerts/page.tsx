'use client';
import { useState } from 'react';
import type { AlertRule } from '@berth/contracts';
import { AlertHistory, Pager } from '@/components/alerts/AlertHistory';
import { RuleForm } from '@/components/alerts/RuleForm';
import { describeRule } from '@/components/alerts/format';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import {
  useAlertHistory,
  useAlertRules,
  useCreateAlertRule,
  useDeleteAlertRule,
  useUpdateAlertRule,
} from '@/queries/useAlerts';

const PAGE = 25;

const scopeText = (r: AlertRule) =>
  r.scope === 'all' ? 'every instance' : `${r.scope} ${r.scopeValue}`;

export default function AlertsPage() {
  const me = useMe();
  const allowed = can(me.data, 'alert.view');
  const manage = can(me.data, 'alert.manage');
  const [rulesAt, setRulesAt] = useState(0);
  const [historyAt, setHistoryAt] = useState(0);
  const [state, setState] = useState<'all' | 'firing'>('all');
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const rules = useAlertRules({ limit: PAGE, offset: rulesAt }, allowed);
  const history = useAlertHistory({ limit: PAGE, offset: historyAt, state }, allowed);
  const create = useCreateAlertRule();
  const update = useUpdateAlertRule();
  const remove = useDeleteAlertRule();

  if (me.isPending) return <LoadingState label="Loading…" />;
  if (!allowed)
    return (
      <>
        <PageHeader title="Alerts" />
        <ErrorState
          title="Not for this account"
          error="Alert rules and their history need the alert.view permission (Administrators and Auditors have it)."
        />
      </>
    );
  const saving = editing === 'new' ? create : update;
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules judged against every 5 s sample: a value above (or below) its threshold for long enough fires an alert, shown on the dashboard and the instance; it resolves when the value is back."
        actions={
          manage && (
            <Button variant="primary" onClick={() => setEditing('new')}>
              New rule
            </Button>
          )
        }
      />
      {editing && (
        <div className="mb-4">
          <RuleForm
            key={editing === 'new' ? 'new' : editing.id}
            initial={editing === 'new' ? undefined : editing}
            busy={saving.isPending}
            error={saving.error}
            onCancel={() => {
              create.reset();
              update.reset();
              setEditing(null);
            }}
            onSave={(spec) =>
              editing === 'new'
                ? create.mutate(spec, { onSuccess: () => setEditing(null) })
                : update.mutate({ id: editing.id, spec }, { onSuccess: () => setEditing(null) })
            }
          />
        </div>
      )}
      <section aria-labelledby="rules" className="mb-6">
        <h2 id="rules" className="mb-2 text-base font-semibold">
          Rules
        </h2>
        <div className="card overflow-x-auto">
          {rules.isPending ? (
            <LoadingState label="Loading rules…" />
          ) : rules.isError ? (
            <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
          ) : rules.data.total === 0 ? (
            <p className="p-3 text-sm text-muted">
              No rules yet{manage ? ': add one with New rule.' : '.'}
            </p>
          ) : (
            <>
              <table className="w-full text-sm" data-testid="alert-rules">
                <thead className="text-left text-muted">
                  <tr>
                    <th className="p-2">Name</th>
                    <th className="p-2">Fires when</th>
                    <th className="p-2">On</th>
                    <th className="p-2">Enabled</th>
                    {manage && <th className="p-2" />}
                  </tr>
                </thead>
                <tbody>
                  {rules.data.items.map((r) => (
                    <tr key={r.id} className="border-t border-line">
                      <td className="p-2 font-medium">{r.name}</td>
                      <td className="p-2">{describeRule(r)}</td>
                      <td className="p-2">{scopeText(r)}</td>
                      <td className="p-2">{r.enabled ? 'yes' : 'no'}</td>
                      {manage && (
                        <td className="p-2 text-right whitespace-nowrap">
                          <Button size="sm" variant="ghost" onClick={() => setEditing(r)}>
                            Edit
                          </Button>
                          <Button size="sm" variant="ghost" onClick={() => setDeleting(r)}>
                            Delete
                          </Button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager offset={rulesAt} limit={PAGE} total={rules.data.total} onOffset={setRulesAt} />
            </>
          )}
        </div>
      </section>
      <section aria-labelledby="history">
        <div className="mb-2 flex items-center gap-3">
          <h2 id="history" className="text-base font-semibold">
            History
          </h2>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={state === 'firing'}
              onChange={(e) => {
                setHistoryAt(0);
                setState(e.target.checked ? 'firing' : 'all');
              }}
            />
            Firing only
          </label>
        </div>
        <div className="card overflow-x-auto">
          <AlertHistory
            query={history}
            offset={historyAt}
            limit={PAGE}
            onOffset={setHistoryAt}
            empty={state === 'firing' ? 'Nothing is firing.' : 'No alert has fired yet.'}
          />
        </div>
      </section>
      {deleting && (
        <ConfirmDialog
          title={`Delete the rule ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          busy={remove.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Its firing alerts resolve; their history stays.
        </ConfirmDialog>
      )}
    </>
  );
}
