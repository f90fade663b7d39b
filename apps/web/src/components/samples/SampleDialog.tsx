'use client';
import { useState, type FormEvent } from 'react';
import { CreateSample, type ConfigSample, type Limits } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { Modal } from '@/components/ui/Modal';
import { errorText } from '@/lib/errorText';
import { limitErrors, limitTextErrors, limitsToText, textToLimits } from '@/lib/limitsForm';
import { useCreateSample, useUpdateSample } from '@/queries/useSamples';
import { LimitsEditor } from './LimitsEditor';
import { TextField } from '@/components/ui/TextField';
import { FormError } from '@/components/ui/FormError';

/**
 * Create a sample (from scratch, or from computed limits: a split, a scaled or a built-in one)
 * or edit a custom one (`sample` set).
 */
export function SampleDialog({
  sample,
  start,
  onClose,
}: {
  sample?: ConfigSample;
  start?: { name?: string; description?: string; limits: Limits };
  onClose: () => void;
}) {
  const create = useCreateSample();
  const update = useUpdateSample();
  const save = sample ? update : create;
  const from = sample ?? start;
  const [name, setName] = useState(from?.name ?? '');
  const [description, setDescription] = useState(from?.description ?? '');
  const [limits, setLimits] = useState(limitsToText(from?.limits ?? {}));
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = CreateSample.safeParse({
      name: name.trim(),
      description,
      limits: textToLimits(limits),
    });
    if (!parsed.success)
      return setErrors({ ...limitErrors(parsed.error.issues), ...limitTextErrors(limits) });
    setErrors({});
    const done = {
      onSuccess: onClose,
      onError: (err: unknown) =>
        setErrors(
          isApiError(err) && err.issues.length
            ? limitErrors(err.issues)
            : { '(root)': errorText(err) },
        ),
    };
    if (sample) update.mutate({ id: sample.id, patch: parsed.data }, done);
    else create.mutate(parsed.data, done);
  };

  return (
    <Modal title={sample ? `Edit ${sample.name}` : 'New sample'} onClose={onClose} wide>
      <form onSubmit={submit} className="grid gap-3" noValidate aria-label="Sample">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Name" error={errors.name} value={name} onChange={setName} />
          <TextField
            label="Description"
            error={errors.description}
            value={description}
            onChange={setDescription}
          />
        </div>
        <LimitsEditor value={limits} onChange={setLimits} errors={errors} />
        <FormError message={errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={save.isPending} disabled={!name.trim()}>
          {sample ? 'Save sample' : 'Create sample'}
        </DialogFooter>
      </form>
    </Modal>
  );
}
