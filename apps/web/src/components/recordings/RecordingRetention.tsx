'use client';
import { useEffect, useState } from 'react';
import { errorText } from '@/lib/errorText';
import { useRecordingSettings, useSaveRecordingSettings } from '@/queries/useRecordings';
import { Button } from '@/components/ui/Button';

/** How long recordings are kept: a number of days after they ended, or for ever. */
export function RecordingRetention({ canManage }: { canManage: boolean }) {
  const settings = useRecordingSettings();
  const save = useSaveRecordingSettings();
  const [days, setDays] = useState('');
  useEffect(() => {
    if (settings.data) setDays(settings.data.retentionDays?.toString() ?? '');
  }, [settings.data]);
  const current = settings.data?.retentionDays;
  const parsed = days.trim() === '' ? null : Number(days);
  const valid = parsed === null || (Number.isInteger(parsed) && parsed >= 1 && parsed <= 3650);

  return (
    <form
      className="mb-8 flex flex-wrap items-end gap-2"
      aria-label="Retention"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) save.mutate({ retentionDays: parsed });
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Keep recordings (days)
        <input
          inputMode="numeric"
          placeholder="for ever"
          value={days}
          disabled={!canManage}
          onChange={(e) => setDays(e.target.value)}
          aria-invalid={!valid || undefined}
          className="w-36 rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
        />
      </label>
      {canManage && (
        <Button
          type="submit"
          busy={save.isPending}
          disabledReason={valid ? null : 'a whole number of days from 1 to 3650, or empty'}
        >
          Save
        </Button>
      )}
      <p className="text-sm text-muted" role="status">
        {settings.isPending
          ? ''
          : current === null
            ? 'Recordings are kept until deleted.'
            : `Recordings are deleted ${current} days after they ended.`}
      </p>
      {save.isError && (
        <p role="alert" className="w-full text-sm text-red-700 dark:text-red-300">
          {errorText(save.error)}
        </p>
      )}
    </form>
  );
}
