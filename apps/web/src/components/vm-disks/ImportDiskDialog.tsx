'use client';
import { useState } from 'react';
import type { ImportableDiskFormat, Instance } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { useVmDiskImport } from '@/queries/useVmDisks';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { FilePicker } from '@/components/ui/FilePicker';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { UploadProgress } from '@/components/ui/ProgressBar';

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
            { file, format, onUploaded: setUploaded },
            { onSuccess: onClose, onSettled: () => setUploaded(null) },
          );
        }}
      >
        <FilePicker
          label="Disk image"
          hint="qcow2, vmdk (single file), vdi or vhdx; converted to the VM's next qcow2 disk. Images with a backing file are refused."
          error={errors.format}
          accept=".qcow2,.vmdk,.vdi,.vhdx,.img,.raw"
          onPick={setFile}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
          It is a raw image (no header to recognise)
        </label>
        {file && (
          <p className="text-sm text-muted">
            {file.name}, {formatBytes(file.size)}
          </p>
        )}
        <UploadProgress fraction={uploaded} label="Upload" />
        {uploaded === 1 && <p className="text-sm text-muted">Checking the image…</p>}
        <FormError message={errors['(root)']} />
        <DialogFooter
          onCancel={onClose}
          busy={importing.isPending}
          disabledReason={file ? null : 'choose an image file first'}
        >
          Import
        </DialogFooter>
      </form>
    </Modal>
  );
}
