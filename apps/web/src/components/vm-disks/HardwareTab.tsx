'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Instance, VmDiskBus, VmDiskCache, VmDiskChange } from '@berth/contracts';
import { VmDiskBus as Buses, VmDiskCache as Caches } from '@berth/contracts';
import { needs } from '@/lib/can';
import { formatBytes } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { busyReason } from '@/lib/instanceActions';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { useVmDiskChange, useVmDiskCompact, useVmDiskRemove } from '@/queries/useVmDisks';
import { Button } from '@/components/ui/Button';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { RemoveButton } from '@/components/ui/RemoveButton';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { EmptyState } from '@/components/ui/States';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { TableHead } from '@/components/ui/TableHead';
import { StartSettings } from '@/components/vm-hardware/StartSettings';
import { PortsAndUsb } from '@/components/vm-hardware/PortsAndUsb';
import { CdDrives } from '@/components/vm-hardware/CdDrives';
import { DiskBusCells } from '@/components/vm-hardware/DiskBusCache';
import { ImportDiskDialog } from './ImportDiskDialog';

const MiB = 1024 * 1024;
const MAX_DISKS = 8;

/** What the task did, in words: live now, or at the next start and why. */
const outcome = (r: VmDiskChange | undefined) =>
  !r
    ? ''
    : r.live
      ? 'the running guest has it now'
      : (r.note ?? 'the VM has it from its next start');

/** "Add disk" (disk null) or "Grow diskN": one size field, closed once the API took it. */
function DiskSizeDialog({
  instance,
  disk,
  onClose,
}: {
  instance: Instance;
  disk: { name: string; sizeBytes: number } | null;
  onClose: () => void;
}) {
  const change = useVmDiskChange(instance.id);
  const [size, setSize] = useState(String(disk ? Math.ceil(disk.sizeBytes / MiB) : 1024));
  const [bus, setBus] = useState<VmDiskBus>('virtio');
  const [cache, setCache] = useState<VmDiskCache>('writeback');
  const running = instance.state === 'running' || instance.state === 'paused';
  const errors = change.isError ? saveErrors(change.error) : {};
  const what = disk ? `Grow ${disk.name}` : `Add a disk to ${instance.name}`;
  return (
    <Modal title={what} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(
            {
              change: {
                sizeMiB: Number(size),
                ...(disk ? { disk: disk.name } : { add: true as const, bus, cache }),
              },
              // The event stream toasts the task's end; a disk the guest only gets later is told.
              cb: {
                onSuccess: (t) => {
                  const r = t.result as VmDiskChange | undefined;
                  if (r && !r.live && instance.state === 'running')
                    toast({ tone: 'info', title: `${what}: at the next start`, body: outcome(r) });
                },
              },
            },
            { onSuccess: onClose },
          );
        }}
      >
        <Field
          label="Size (MiB)"
          hint={
            disk ? 'Disks only grow.' : 'An empty qcow2 disk; it takes space as the guest writes.'
          }
          error={errors.sizeMiB}
        >
          {(a) => (
            <input
              {...a}
              className="input"
              type="number"
              min={disk ? Math.ceil(disk.sizeBytes / MiB) : 1}
              value={size}
              onChange={(e) => setSize(e.target.value)}
            />
          )}
        </Field>
        {!disk && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Bus"
              hint={running ? 'A running VM takes only virtio disks live.' : undefined}
              error={errors.bus}
            >
              {(a) => (
                <select
                  {...a}
                  className="input"
                  value={bus}
                  onChange={(e) => setBus(e.target.value as VmDiskBus)}
                >
                  {Buses.options.map((o) => (
                    <option key={o} value={o} disabled={running && o !== 'virtio'}>
                      {o}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Cache mode" error={errors.cache}>
              {(a) => (
                <select
                  {...a}
                  className="input"
                  value={cache}
                  onChange={(e) => setCache(e.target.value as VmDiskCache)}
                >
                  {Caches.options.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        )}
        <FormError message={errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={change.isPending}>
          {disk ? 'Grow' : 'Add disk'}
        </DialogFooter>
      </form>
    </Modal>
  );
}

/** A VM's disks (size and origin, grow one, add an empty one or one from an image, live when it runs) and start settings. */
export function HardwareTab({ instance }: { instance: Instance }) {
  const me = useMe().data;
  const busy = busyReason(useActiveTaskByInstance().get(instance.id));
  const [editing, setEditing] = useState<{ name: string; sizeBytes: number } | null | 'new'>(null);
  const [importing, setImporting] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useVmDiskRemove(instance.id);
  const compact = useVmDiskCompact(instance.id);
  if (!instance.vm)
    return (
      <EmptyState title="Containers have one disk">
        Its size is set in the Limits tab (disk size).
      </EmptyState>
    );
  const disks = instance.vm.disks;
  const reason =
    needs(me, 'instance.configure', instance) ??
    busy ??
    (instance.state === 'suspended' ? 'the VM is suspended: resume it first' : null);
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        <h2 className="text-base font-semibold">Disks</h2>
        <Button
          size="sm"
          variant="primary"
          disabledReason={
            reason ?? (disks.length >= MAX_DISKS ? `a VM has at most ${MAX_DISKS} disks` : null)
          }
          onClick={() => setEditing('new')}
        >
          Add disk
        </Button>
        <Button
          size="sm"
          disabledReason={
            reason ?? (disks.length >= MAX_DISKS ? `a VM has at most ${MAX_DISKS} disks` : null)
          }
          onClick={() => setImporting(true)}
        >
          Import disk
        </Button>
      </div>
      <div className="card overflow-x-auto" role="region" aria-label="Disks" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">Disks of {instance.name}</caption>
          <TableHead
            columns={[
              { label: 'Disk' },
              { label: 'Size' },
              { label: 'From' },
              { label: 'Bus' },
              { label: 'Cache' },
            ]}
          />
          <tbody>
            {disks.map((d) => (
              <tr key={d.name}>
                <td className="font-mono text-xs">{d.name}</td>
                <td>{formatBytes(d.sizeBytes)}</td>
                <td>{d.template ?? 'empty'}</td>
                <DiskBusCells instance={instance} disk={d} disabledReason={reason} />
                <td>
                  <Button
                    size="sm"
                    disabledReason={reason}
                    aria-label={`Grow ${d.name}`}
                    onClick={() => setEditing(d)}
                  >
                    Grow
                  </Button>{' '}
                  <Button
                    size="sm"
                    disabledReason={
                      reason ??
                      (instance.state === 'paused' ? 'the VM is paused: resume or stop it' : null)
                    }
                    aria-label={`Compact ${d.name}`}
                    title={
                      instance.state === 'running'
                        ? 'The guest trims what its filesystems no longer use'
                        : 'Rewrite the disk without its empty and zeroed blocks'
                    }
                    busy={compact.isPending && compact.variables === d.name}
                    onClick={() => compact.mutate(d.name)}
                  >
                    Compact
                  </Button>{' '}
                  <RemoveButton
                    what={d.name}
                    disabledReason={reason ?? (d === disks[0] ? 'the boot disk stays' : null)}
                    onClick={() => setRemoving(d.name)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CdDrives instance={instance} disabledReason={reason} />
      <p className="text-sm text-muted">
        NICs are added, removed and connected on the{' '}
        <Link
          className="text-sky-700 underline dark:text-sky-300"
          href={`/instances/view/?id=${instance.id}&tab=network`}
        >
          Network tab
        </Link>
        .
      </p>
      <StartSettings instance={instance} disabledReason={reason} />
      <PortsAndUsb instance={instance} disabledReason={reason} />
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing}?`}
          confirmLabel="Remove and delete"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing, { onSettled: () => setRemoving(null) })}
        >
          Its file and everything on it are deleted.
          {instance.state === 'running' &&
            ' The running guest is asked to let it go first; unmount it in the guest before.'}
        </ConfirmDialog>
      )}
      {importing && <ImportDiskDialog instance={instance} onClose={() => setImporting(false)} />}
      {editing && (
        <DiskSizeDialog
          instance={instance}
          disk={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
