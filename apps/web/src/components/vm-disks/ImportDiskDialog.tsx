'use client';
import { useState } from 'react';
import type { ImportableDiskFormat, Instance } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { useVmDiskImport } from '@/queries/useVmDisks';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { ProgressBar } from '@/components/ui/ProgressBar';

/**
 * Add a disk from an image file: uploaded with a progress bar, then converted to qcow2 as a
 * task. Raw images carry no header, so they are taken only when the operator says so.
 */
export function ImportDiskDialog({
  instance,
  onClose,
}: {
  instance: Instance;
  onClose: () => void;
}) {
  const importing = useVmDiskImport(instance.id);
  const [file, setFile] = useState<File | null>(null);
  const [raw, setRaw] = useState(false);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const errors = importing.isError ? saveErrors(importing.error) : {};
  const format: ImportableDiskFormat | null = raw ? 'raw' : null;
  return (
    <Modal title={`Import a disk into ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setUploaded(0);
          importing.mutate(
            { file, format, onUploaded: (f) => setUploaded(Math.round(f * 100)) },
            { onSuccess: onClose, onSettled: () => setUploaded(null) },
          );
        }}
      >
        <Field
          label="Disk image"
          hint="qcow2, vmdk (single file), vdi or vhdx; converted to the VM's next qcow2 disk. Images with a backing file are refused."
          error={errors.format}
        >
          {(a) => (
            <input
              {...a}
              className="input"
              type="file"
              accept=".qcow2,.vmdk,.vdi,.vhdx,.img,.raw"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
          It is a raw image (no header to recognise)
        </label>
        {file && (
          <p className="text-sm text-muted">
            {file.name}, {formatBytes(file.size)}
          </p>
        )}
        {uploaded !== null && (
          <div className="space-y-1">
            <ProgressBar value={uploaded} label="Upload" />
            <p className="text-sm text-muted">
              {uploaded < 100 ? `Uploading: ${uploaded} %` : 'Checking the image…'}
            </p>
          </div>
        )}
        <FormError message={errors['(root)']} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            busy={importing.isPending}
            disabledReason={file ? null : 'choose an image file first'}
          >
            Import
          </Button>
        </div>
      </form>
    </Modal>
  );
}
