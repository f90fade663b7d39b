'use client';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { MAX_CD_DRIVES } from '@berth/contracts';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useIsos } from '@/queries/useIsos';
import { useAddCdDrive, useCdMedia, useRemoveCdDrive } from '@/queries/useVmCdroms';
import { Button } from '@/components/ui/Button';
import { RemoveButton } from '@/components/ui/RemoveButton';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { FormError } from '@/components/ui/FormError';
import { TableHead } from '@/components/ui/TableHead';
import { PendingBadge } from './Ports';

type Row = { drive: number; iso: string | null; pending: 'add' | 'remove' | null };

/** Every drive, with the ones added or removed since the running QEMU started marked so. */
function driveRows(instance: Instance): Row[] {
  const vm = instance.vm!;
  const drives = vm.cdDrives ?? [{ drive: 0, iso: vm.cdrom }];
  const change = vm.pendingChanges?.find((c) => c.field === 'cdDrives');
  const running = (change?.running as number[] | undefined) ?? null;
  const rows: Row[] = drives.map((d) => ({
    ...d,
    pending: running && !running.includes(d.drive) ? 'add' : null,
  }));
  for (const drive of running ?? []) {
    if (!drives.some((d) => d.drive === drive)) rows.push({ drive, iso: null, pending: 'remove' });
  }
  return rows.sort((a, b) => a.drive - b.drive);
}

/**
 * CD/DVD drives: drive 0 is the VM's `cdrom`, up to three more. q35's AHCI ports take no
 * hot-plug, so adding or removing a drive waits for the next start; media go in and out live.
 */
export function CdDrives({
  instance,
  disabledReason,
}: {
  instance: Instance;
  disabledReason: string | null;
}) {
  const isos = useIsos().data ?? [];
  const add = useAddCdDrive(instance.id);
  const remove = useRemoveCdDrive(instance.id);
  const media = useCdMedia(instance.id);
  const [removing, setRemoving] = useState<Row | null>(null);
  const rows = driveRows(instance);
  const present = rows.filter((r) => r.pending !== 'remove');
  const running = instance.state === 'running' || instance.state === 'paused';
  const error = [add, remove, media].find((m) => m.isError)?.error;
  const errors = error ? saveErrors(error) : {};
  return (
    <section className="space-y-3" aria-label="CD/DVD drives">
      <div className="flex items-center gap-3">
        <h2 className="text-base font-semibold">CD/DVD drives</h2>
        <Button
          size="sm"
          busy={add.isPending}
          disabledReason={
            disabledReason ??
            (present.length >= MAX_CD_DRIVES
              ? `a VM has at most ${MAX_CD_DRIVES} CD/DVD drives`
              : null)
          }
          onClick={() =>
            add.mutate(
              {},
              {
                onSuccess: () =>
                  running &&
                  toast({
                    tone: 'info',
                    title: 'CD/DVD drive added',
                    body: 'The VM has it from its next start.',
                  }),
              },
            )
          }
        >
          Add drive
        </Button>
      </div>
      <FormError message={errors['(root)'] ?? errors.iso} />
      <div className="card overflow-x-auto" role="region" aria-label="CD/DVD drives" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">CD/DVD drives of {instance.name}</caption>
          <TableHead columns={[{ label: 'Drive' }, { label: 'Medium' }]} />
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.drive}-${r.pending}`}>
                <td className="whitespace-nowrap">
                  Drive {r.drive}
                  <PendingBadge pending={r.pending} />
                </td>
                <td>
                  {r.pending === 'remove' ? (
                    <span className="text-sm text-muted">—</span>
                  ) : (
                    <select
                      className="input w-auto py-1 text-sm"
                      aria-label={`ISO in drive ${r.drive}`}
                      title={disabledReason ?? undefined}
                      disabled={!!disabledReason || media.isPending}
                      value={r.iso ?? ''}
                      onChange={(e) =>
                        media.mutate(
                          { drive: r.drive, body: { iso: e.target.value || null } },
                          {
                            onSuccess: (c) =>
                              toast({
                                tone: 'success',
                                title: e.target.value
                                  ? `${e.target.value} in drive ${r.drive}`
                                  : `Drive ${r.drive} ejected`,
                                body:
                                  c.applies === 'live'
                                    ? 'The guest has it now.'
                                    : 'The VM has it from its next start.',
                              }),
                          },
                        )
                      }
                    >
                      <option value="">empty</option>
                      {r.iso && !isos.some((i) => i.name === r.iso) && (
                        <option value={r.iso}>{r.iso}</option>
                      )}
                      {isos.map((i) => (
                        <option key={i.name} value={i.name}>
                          {i.name}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  {r.drive !== 0 && r.pending !== 'remove' && (
                    <RemoveButton
                      what={`drive ${r.drive}`}
                      disabledReason={disabledReason}
                      onClick={() => setRemoving(r)}
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
          title={`Remove drive ${removing.drive}?`}
          confirmLabel="Remove"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.drive, { onSettled: () => setRemoving(null) })}
        >
          {removing.iso && `${removing.iso} is ejected now. `}
          {running ? 'The running VM keeps the drive until its next start.' : ''}
        </ConfirmDialog>
      )}
    </section>
  );
}
