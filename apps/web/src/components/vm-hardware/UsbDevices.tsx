'use client';
import { useState } from 'react';
import type { Instance, VmDevices, VmUsbDevice } from '@berth/contracts';
import { MAX_USB_DEVICES } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { useVmUsbChange } from '@/queries/useVmDevices';
import { Button } from '@/components/ui/Button';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { RemoveButton } from '@/components/ui/RemoveButton';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { FilePicker } from '@/components/ui/FilePicker';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { UploadProgress } from '@/components/ui/ProgressBar';
import { TableHead } from '@/components/ui/TableHead';
import { PendingBadge } from './Ports';

const KIND = { tablet: 'Tablet (pointer)', keyboard: 'Keyboard', storage: 'USB stick' };

/** A stick from an image file: uploaded with a progress bar, then converted and plugged in as a task. */
function StickDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const change = useVmUsbChange(instance.id);
  const [file, setFile] = useState<File | null>(null);
  const [raw, setRaw] = useState(true);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const errors = change.isError ? saveErrors(change.error) : {};
  return (
    <Modal title={`A USB stick for ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setUploaded(0);
          change.mutate(
            { stick: file, raw, onUploaded: setUploaded },
            { onSuccess: onClose, onSettled: () => setUploaded(null) },
          );
        }}
      >
        <FilePicker
          label="Image"
          hint="A raw or qcow2 image; kept as a qcow2 in the VM's folder. Images with a backing file are refused."
          error={errors.format}
          accept=".img,.raw,.qcow2,.iso"
          onPick={setFile}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
          It is a raw image (untick for qcow2)
        </label>
        <UploadProgress fraction={uploaded} label="Upload" />
        {uploaded === 1 && <p className="text-sm text-muted">Checking the image…</p>}
        <FormError message={errors['(root)']} />
        <DialogFooter
          onCancel={onClose}
          busy={change.isPending}
          disabledReason={file ? null : 'choose an image file first'}
        >
          Add stick
        </DialogFooter>
      </form>
    </Modal>
  );
}

/** Whether a device is in the running QEMU now, as its `info usb` says. */
function where(d: VmUsbDevice, running: boolean) {
  if (!running || d.attached === null) return null;
  return d.attached ? 'plugged in' : 'not plugged in';
}

/**
 * The VM's USB devices on its EHCI controller: a keyboard and a stick are plugged into and pulled
 * from a running VM at once; the tablet changes at the next start.
 */
export function UsbDevices({
  instance,
  devices,
  disabledReason,
}: {
  instance: Instance;
  devices: VmDevices;
  disabledReason: string | null;
}) {
  const change = useVmUsbChange(instance.id);
  const [stick, setStick] = useState(false);
  const [removing, setRemoving] = useState<VmUsbDevice | null>(null);
  const usb = devices.usb;
  const running = instance.state === 'running' || instance.state === 'paused';
  const present = usb.filter((d) => d.pending !== 'remove' || running);
  const full =
    present.length >= MAX_USB_DEVICES ? `all ${MAX_USB_DEVICES} USB ports are taken` : null;
  const hasTablet = usb.some((d) => d.kind === 'tablet' && d.pending !== 'remove');
  const reason = disabledReason ?? full;
  return (
    <section className="space-y-3" aria-label="USB devices">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="mr-1 text-base font-semibold">USB devices</h2>
        <Button
          size="sm"
          variant="primary"
          disabledReason={reason}
          busy={change.isPending}
          onClick={() => change.mutate({ add: { kind: 'keyboard' } })}
        >
          Add keyboard
        </Button>
        <Button size="sm" disabledReason={reason} onClick={() => setStick(true)}>
          Add USB stick
        </Button>
        <Button
          size="sm"
          disabledReason={reason ?? (hasTablet ? 'the VM has its tablet' : null)}
          onClick={() => change.mutate({ add: { kind: 'tablet' } })}
        >
          Add tablet
        </Button>
      </div>
      <div className="card overflow-x-auto" role="region" aria-label="USB" tabIndex={0}>
        <table className="table-base">
          <caption className="sr-only">USB devices of {instance.name}</caption>
          <TableHead columns={[{ label: 'Device' }, { label: 'Kind' }, { label: 'Now' }]} />
          <tbody>
            {usb.length === 0 && (
              <tr>
                <td colSpan={4} className="text-sm text-muted">
                  No USB devices: the VNC console has no pointer that follows the mouse.
                </td>
              </tr>
            )}
            {usb.map((d) => (
              <tr key={`${d.name}-${d.pending}`}>
                <td className="font-mono text-xs">
                  {d.name}
                  <PendingBadge pending={d.pending} />
                </td>
                <td>
                  {KIND[d.kind]}
                  {d.sizeBytes !== null && ` (${formatBytes(d.sizeBytes)})`}
                </td>
                <td className="text-sm">{where(d, running)}</td>
                <td>
                  {d.pending !== 'remove' && (
                    <RemoveButton
                      what={d.name}
                      disabledReason={disabledReason}
                      onClick={() => setRemoving(d)}
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
          title={`Remove ${removing.name}?`}
          confirmLabel={removing.kind === 'storage' ? 'Remove and delete' : 'Remove'}
          danger
          busy={change.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() =>
            change.mutate({ remove: removing.name }, { onSettled: () => setRemoving(null) })
          }
        >
          {running && removing.kind !== 'tablet'
            ? 'It is pulled out of the running VM at once.'
            : running
              ? 'The running VM keeps the tablet until its next start.'
              : 'The VM starts without it.'}
          {removing.kind === 'storage' &&
            ' The stick’s image and everything on it are deleted; unmount it in the guest first.'}
        </ConfirmDialog>
      )}
      {stick && <StickDialog instance={instance} onClose={() => setStick(false)} />}
    </section>
  );
}
