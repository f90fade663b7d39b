'use client';
import { useState, type FormEvent } from 'react';
import { SPLIT_HEADROOM, type Limits } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { Modal } from '@/components/ui/Modal';
import { errorText } from '@/lib/errorText';
import { describeLimits, formatMiB } from '@/lib/limitsForm';
import { useHosts } from '@/queries/useHosts';
import { useSplitHost } from '@/queries/useSamples';

/** "Split this server into N": computes a sample from the host's capacity; saving is a step apart. */
export function SplitDialog({
  onSave,
  onClose,
}: {
  /** Absent for those who may not create samples. */
  onSave?: (start: { name: string; description: string; limits: Limits }) => void;
  onClose: () => void;
}) {
  const hosts = useHosts();
  const split = useSplitHost();
  const [count, setCount] = useState('4');
  const [hostId, setHostId] = useState('');
  const result = split.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    split.mutate({ count: Number(count), hostId: hostId || undefined });
  };
  return (
    <Modal title="Split this server" onClose={onClose} wide>
      <form onSubmit={submit} className="grid gap-3" noValidate aria-label="Split this server">
        <p className="text-sm text-muted">
          One sample for N equal instances. The host keeps {SPLIT_HEADROOM.cpuPercent}% of its CPU
          time, {SPLIT_HEADROOM.memoryPercent}% of its memory (at least{' '}
          {SPLIT_HEADROOM.memoryMinMiB} MiB) and {SPLIT_HEADROOM.diskPercent}% of its disk for
          itself.
        </p>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Instances" error={split.isError ? errorText(split.error) : undefined}>
            {(a) => (
              <input
                {...a}
                className="input"
                inputMode="numeric"
                value={count}
                onChange={(e) => setCount(e.target.value)}
              />
            )}
          </Field>
          {(hosts.data?.length ?? 0) > 1 && (
            <Field label="Host">
              {(a) => (
                <select
                  {...a}
                  className="input"
                  value={hostId}
                  onChange={(e) => setHostId(e.target.value)}
                >
                  <option value="">Default host</option>
                  {hosts.data!.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        {result && (
          <div className="card p-3 text-sm" aria-live="polite">
            <p className="font-medium">
              Each of {result.count}: {describeLimits(result.limits)}
            </p>
            <p className="mt-1 text-muted">
              Host: {result.host.cpus} CPUs, {formatMiB(result.host.memoryMiB)} memory,{' '}
              {formatMiB(result.host.diskMiB)} disk. It keeps {result.headroom.cpuPercent}% of CPU
              time, {formatMiB(result.headroom.memoryMiB)} of memory and{' '}
              {formatMiB(result.headroom.diskMiB)} of disk.
            </p>
          </div>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Done</Button>
          <Button type="submit" busy={split.isPending}>
            Compute
          </Button>
          {onSave && result && (
            <Button
              variant="primary"
              onClick={() =>
                onSave({
                  name: `split-${result.count}`,
                  description: `This host split into ${result.count}`,
                  limits: result.limits,
                })
              }
            >
              Save as sample…
            </Button>
          )}
        </div>
      </form>
    </Modal>
  );
}
