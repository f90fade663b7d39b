'use client';
import { useState } from 'react';
import type { AddVmPortRequest, Instance, VmDevices } from '@berth/contracts';
import { MAX_SERIAL_PORTS } from '@berth/contracts';
import { vmPortLogUrl } from '@/api/vmDevices';
import { formatBytes } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useVmPortChange } from '@/queries/useVmDevices';
import { Button } from '@/components/ui/Button';
import { RemoveButton } from '@/components/ui/RemoveButton';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { FormError } from '@/components/ui/FormError';
import { TableHead } from '@/components/ui/TableHead';

/** Saved but not yet in the running VM, or still in it until its next start. */
export function PendingBadge({ pending }: { pending: 'add' | 'remove' | null }) {
  if (!pending) return null;
  return (
    <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/50 dark:text-amber-100">
      {pending === 'add' ? 'added: at next start' : 'removed: at next start'}
    </span>
  );
}

const CHOICES: Array<{ label: string; value: AddVmPortRequest }> = [
  { label: 'Serial port to a file (a log to download)', value: { kind: 'serial', target: 'file' } },
  {
    label: "Serial port to a socket (in the VM's folder)",
    value: { kind: 'serial', target: 'socket' },
  },
  { label: 'Parallel port to a file', value: { kind: 'parallel', target: 'file' } },
];

const TARGET = { console: 'serial console (browser)', socket: 'unix socket', file: 'file' };

/**
 * serial0 is the console every VM has; up to three more serial ports and one parallel port, to a
 * socket or a file. ISA ports cannot be hot-plugged: every change waits for the next start.
 */
export function Ports({
  instance,
  devices,
  disabledReason,
}: {
  instance: Instance;
  devices: VmDevices;
  disabledReason: string | null;
}) {
  const change = useVmPortChange(instance.id);
  const [choice, setChoice] = useState(0);
  const [removing, setRemoving] = useState<string | null>(null);
  const ports = devices.ports;
  const live = ports.filter((p) => p.pending !== 'remove');
  const serials = live.filter((p) => p.kind === 'serial').length;
  const picked = CHOICES[choice]!.value;
  const full =
    picked.kind === 'serial'
      ? serials >= MAX_SERIAL_PORTS
        ? `a VM has at most ${MAX_SERIAL_PORTS} serial ports`
        : null
      : live.some((p) => p.kind === 'parallel')
        ? 'a VM has one parallel port'
        : null;
  const errors = change.isError ? saveErrors(change.error) : {};
  const running = instance.state === 'running' || instance.state === 'paused';
  return (
    <section className="space-y-3" aria-label="Serial and parallel ports">
      <h2 className="text-base font-semibold">Serial and parallel ports</h2>
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(
            { add: picked },
            {
              onSuccess: (c) =>
                toast({
                  tone: 'success',
                  title: `${c.device} added`,
                  body: running ? 'The VM has it from its next start.' : undefined,
                }),
            },
          );
        }}
      >
        <label className="sr-only" htmlFor="port-choice">
          New port
        </label>
        <select
          id="port-choice"
          className="input w-auto"
          value={choice}
          onChange={(e) => setChoice(Number(e.target.value))}
        >
          {CHOICES.map((c, i) => (
            <option key={c.label} value={i}>
              {c.label}
            </option>
          ))}
        </select>
        <Button
          size="sm"
          type="submit"
          variant="primary"
          busy={change.isPending}
          disabledReason={disabledReason ?? full}
        >
          Add port
        </Button>
      </form>
      <FormError message={errors['(root)'] ?? errors.kind ?? errors.target} />
      <div className="card overflow-x-auto" role="region" aria-label="Ports" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">Serial and parallel ports of {instance.name}</caption>
          <TableHead columns={[{ label: 'Port' }, { label: 'Goes to' }, { label: 'Log' }]} />
          <tbody>
            {ports.map((p) => (
              <tr key={`${p.name}-${p.target}-${p.pending}`}>
                <td className="font-mono text-xs">
                  {p.name}
                  <PendingBadge pending={p.pending} />
                </td>
                <td>{TARGET[p.target]}</td>
                <td>
                  {p.logBytes !== null ? (
                    <a
                      className="text-sm underline"
                      href={vmPortLogUrl(instance.id, p.name)}
                      download={`${instance.name}-${p.name}.log`}
                    >
                      Download ({formatBytes(p.logBytes)})
                    </a>
                  ) : p.target === 'file' ? (
                    <span className="text-sm text-muted">nothing written yet</span>
                  ) : null}
                </td>
                <td>
                  {p.name !== 'serial0' && p.pending !== 'remove' && (
                    <RemoveButton
                      what={p.name}
                      disabledReason={disabledReason}
                      onClick={() => setRemoving(p.name)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing}?`}
          confirmLabel="Remove"
          danger
          busy={change.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() =>
            change.mutate({ remove: removing }, { onSettled: () => setRemoving(null) })
          }
        >
          {running ? 'The running VM keeps it until its next start.' : 'The VM starts without it.'}{' '}
          A file port’s log stays downloadable.
        </ConfirmDialog>
      )}
    </section>
  );
}
