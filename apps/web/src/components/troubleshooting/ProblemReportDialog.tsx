'use client';
import { useState } from 'react';
import { downloadProblemReport } from '@/api/problemReport';
import { useHosts } from '@/queries/useHosts';
import { useInstances } from '@/queries/useInstances';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorMessage } from '@/components/ui/ErrorMessage';

/** The API takes at most this many instances' configs in one report. */
const MAX_CHOSEN = 50;

/**
 * Asks which of the host's instances' configs go into the problem report (those named in
 * `preselected` are ticked), then downloads it. Secrets are redacted by the API.
 */
export function ProblemReportDialog({
  hostId,
  preselected = [],
  onClose,
}: {
  hostId: string;
  preselected?: string[];
  onClose: () => void;
}) {
  const instances = (useInstances().data ?? []).filter((i) => i.hostId === hostId);
  const hostName = useHosts().data?.find((h) => h.id === hostId)?.name ?? hostId;
  const [chosen, setChosen] = useState<Set<string>>(new Set(preselected));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = (id: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <ConfirmDialog
      title={`Problem report for ${hostName}`}
      confirmLabel="Download report"
      busy={busy}
      onCancel={onClose}
      onConfirm={() => {
        setBusy(true);
        setError(null);
        downloadProblemReport(hostId, [...chosen])
          .then(onClose)
          .catch(setError)
          .finally(() => setBusy(false));
      }}
    >
      <p>
        A .tar.gz for support: versions, host facts, diagnostics, recent logs and task logs, and the
        configs of the instances ticked below. Passwords, tokens and keys are redacted.
      </p>
      {instances.length > 0 && (
        <fieldset className="mt-3 max-h-56 overflow-y-auto rounded border border-line p-2">
          <legend className="px-1 text-fg">Instances whose configs go in</legend>
          {instances.map((i) => (
            <label key={i.id} className="flex items-center gap-2 py-0.5 text-fg">
              <input
                type="checkbox"
                checked={chosen.has(i.id)}
                disabled={!chosen.has(i.id) && chosen.size >= MAX_CHOSEN}
                onChange={() => toggle(i.id)}
              />
              {i.name}
              <span className="text-muted">{i.kind === 'vm' ? 'VM' : `CT ${i.ctid}`}</span>
            </label>
          ))}
        </fieldset>
      )}
      {error !== null && <ErrorMessage error={error} className="mt-3" />}
    </ConfirmDialog>
  );
}
