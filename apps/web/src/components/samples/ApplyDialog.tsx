'use client';
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConfigSample, SampleDiff } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Modal } from '@/components/ui/Modal';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { can } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useUpdateInstance } from '@/queries/useInstances';
import { sampleKeys } from '@/queries/keys';
import { useSampleDiff } from '@/queries/useSamples';
import { InstancePicker } from './InstancePicker';
import { ProblemList } from './ProblemList';

const show = (v: number | string | null) => (v === null ? 'no limit' : String(v));
const WHEN: Record<SampleDiff['changes'][number]['apply'], string> = {
  live: 'live',
  'next-start': 'at next start',
  create: 'at create',
  unsupported: 'not applied',
};

function DiffTable({ diff }: { diff: SampleDiff }) {
  if (diff.changes.length === 0)
    return <p className="text-sm">This instance already has every value of {diff.sample.name}.</p>;
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Changes</caption>
      <thead>
        <tr className="text-left text-muted">
          <th className="py-1 font-medium">Field</th>
          <th className="py-1 font-medium">Now</th>
          <th className="py-1 font-medium">After</th>
          <th className="py-1 font-medium">Takes effect</th>
        </tr>
      </thead>
      <tbody>
        {diff.changes.map((c) => (
          <tr key={c.path} className="border-t border-line">
            <td className="py-1 font-mono text-xs">{c.path}</td>
            <td className="py-1">{show(c.before)}</td>
            <td className="py-1 font-medium">{show(c.after)}</td>
            <td className="py-1">{WHEN[c.apply]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Apply a sample to an instance: the diff first, then the instance's own PATCH {limits}. */
export function ApplyDialog({ sample, onClose }: { sample: ConfigSample; onClose: () => void }) {
  const me = useMe().data;
  const qc = useQueryClient();
  const [instanceId, setInstanceId] = useState('');
  const diff = useSampleDiff(instanceId || null, sample.id);
  const update = useUpdateInstance(instanceId);
  const d = diff.data;
  const apply = () =>
    d &&
    update.mutate(
      { limits: d.patch },
      {
        onSuccess: (inst) => {
          void qc.invalidateQueries({ queryKey: sampleKeys.all });
          toast({ tone: 'success', title: `${sample.name} applied to ${inst.name}` });
          onClose();
        },
      },
    );
  return (
    <Modal title={`Apply ${sample.name}`} onClose={onClose} wide>
      <div className="grid gap-3">
        <InstancePicker
          value={instanceId}
          onChange={setInstanceId}
          allow={(i) => can(me, 'instance.configure', i)}
        />
        {instanceId && diff.isPending && <LoadingState label="Working out the changes…" />}
        {diff.isError && <ErrorState error={diff.error} onRetry={() => void diff.refetch()} />}
        {d && (
          <>
            <DiffTable diff={d} />
            {d.skipped.length > 0 && (
              <div className="text-sm">
                <p className="font-medium">Left out</p>
                <ul className="list-disc pl-5 text-muted">
                  {d.skipped.map((s) => (
                    <li key={s.path}>
                      <span className="font-mono text-xs">{s.path}</span>: {s.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <p className="text-xs text-muted">The instance&apos;s other limits stay as they are.</p>
            {d.problems.length > 0 && <ProblemList problems={d.problems} title="After applying" />}
          </>
        )}
        {update.isError && (
          <p role="alert" className="field-error">
            {errorText(update.error)}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            busy={update.isPending}
            disabledReason={
              !d
                ? 'choose an instance'
                : d.changes.length === 0
                  ? 'nothing to change'
                  : d.problems.length > 0
                    ? 'fix the problems first'
                    : null
            }
            onClick={apply}
          >
            Apply
          </Button>
        </div>
      </div>
    </Modal>
  );
}
