'use client';
import { useState } from 'react';
import { SnapshotName, type Instance, type SnapshotList } from '@berth/contracts';
import { saveErrors } from '@/lib/formErrors';
import { useSnapshotChange } from '@/queries/useSnapshots';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { TextField } from '@/components/ui/TextField';

/** Name, description and (for a running VM) whether to save memory; closes once accepted. */
export function TakeSnapshotDialog({
  instance,
  supported,
  onClose,
}: {
  instance: Pick<Instance, 'id' | 'name' | 'kind'>;
  supported: SnapshotList['supported'];
  onClose: () => void;
}) {
  const take = useSnapshotChange(instance.id);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [withMemory, setWithMemory] = useState(supported.memory);
  const [localError, setLocalError] = useState<string>();
  const errors = take.isError ? saveErrors(take.error) : {};
  const memoryReason =
    instance.kind !== 'vm'
      ? 'only VMs have memory to save'
      : supported.memory
        ? null
        : 'the VM is not running: there is no memory to save';

  const submit = () => {
    const checked = SnapshotName.safeParse(name);
    if (!checked.success) return setLocalError(checked.error.issues[0]?.message);
    setLocalError(undefined);
    // The task's end is toasted by the event stream; a refusal stays in the dialog.
    take.mutate(
      {
        change: {
          take: {
            name,
            ...(description && { description }),
            ...(memoryReason === null && { withMemory }),
          },
        },
      },
      { onSuccess: onClose },
    );
  };

  return (
    <Modal title={`Take a snapshot of ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <TextField
          label="Name"
          hint="Letters, digits, . _ - ; unique for this instance"
          value={name}
          onChange={setName}
          error={localError ?? errors.name}
        />
        <TextField
          label="Description"
          value={description}
          onChange={setDescription}
          error={errors.description}
        />
        <label className="flex items-start gap-2 text-sm" title={memoryReason ?? undefined}>
          <input
            type="checkbox"
            className="mt-1"
            checked={memoryReason === null && withMemory}
            disabled={memoryReason !== null}
            aria-describedby="with-memory-hint"
            onChange={(e) => setWithMemory(e.target.checked)}
          />
          <span>
            With memory
            <span id="with-memory-hint" className="block text-muted">
              {memoryReason ??
                'Saves the running state too: reverting resumes the VM where it was. The VM is paused while its memory is written.'}
            </span>
          </span>
        </label>
        <FormError message={errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={take.isPending}>
          Take snapshot
        </DialogFooter>
      </form>
    </Modal>
  );
}
