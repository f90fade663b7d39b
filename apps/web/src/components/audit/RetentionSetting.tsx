'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { useAuditSettings, useUpdateAuditSettings } from '@/queries/useAudit';

/** How long rows are kept: changed by those with audit.manage, shown to the others. */
export function RetentionSetting({ canManage }: { canManage: boolean }) {
  const settings = useAuditSettings();
  const update = useUpdateAuditSettings();
  const [days, setDays] = useState('');
  useEffect(() => {
    if (settings.data) setDays(String(settings.data.retentionDays));
  }, [settings.data]);
  const current = settings.data?.retentionDays;

  if (!canManage)
    return (
      <p className="text-sm text-muted">
        Rows are kept {current ?? '…'} days, then pruned; the chain stays verifiable from the first
        row kept.
      </p>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { retentionDays: Number(days) },
      {
        onSuccess: (s) =>
          toast({ tone: 'success', title: `Rows are now kept ${s.retentionDays} days` }),
      },
    );
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
      <Field
        label="Keep rows for (days)"
        error={update.isError ? errorText(update.error) : undefined}
      >
        {(a) => (
          <input
            {...a}
            type="number"
            min={1}
            max={36500}
            required
            className="input w-32 py-1"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        )}
      </Field>
      <Button
        type="submit"
        size="sm"
        busy={update.isPending}
        disabledReason={String(current) === days ? 'Nothing changed' : null}
      >
        Save
      </Button>
      <p className="hint w-full">
        Older rows are pruned at start and daily; the chain stays verifiable from the first row
        kept.
      </p>
    </form>
  );
}
