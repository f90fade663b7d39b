'use client';
import { useState, type FormEvent } from 'react';
import { CreatePool } from '@berth/contracts';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreatePool } from '@/queries/useStorage';
import { Button } from '@/components/ui/Button';
import { Checkbox } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { TextField } from '@/components/ui/TextField';

/**
 * A new btrfs pool: on a sparse image file of a size (tests, small hosts) or on a whole block
 * device, which is formatted. Checked against the contract before it is sent.
 */
export function CreatePoolForm({ disabledReason }: { disabledReason: string | null }) {
  const create = useCreatePool();
  const [name, setName] = useState('');
  const [on, setOn] = useState<'image' | 'device'>('image');
  const [size, setSize] = useState('4096');
  const [device, setDevice] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(create.isError ? saveErrors(create.error) : {}), ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name,
      driver: 'btrfs' as const,
      ...(on === 'image' ? { sizeMiB: Number(size) } : { device }),
      ...(makeDefault && { default: true }),
    };
    const checked = CreatePool.safeParse(body);
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    create.mutate(checked.data, {
      onSuccess: (pool) => {
        toast({ tone: 'success', title: `Storage pool ${pool.name} created` });
        setName('');
      },
    });
  };

  return (
    <form onSubmit={submit} className="card space-y-3 p-4" aria-labelledby="new-pool">
      <h2 id="new-pool" className="font-semibold">
        New btrfs pool
      </h2>
      <p className="text-sm text-muted">
        Copy-on-write: containers in it get instant snapshots and linked clones that share blocks.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" value={name} onChange={setName} error={errors.name} />
        <fieldset>
          <legend className="label">On</legend>
          <div className="flex gap-4 text-sm">
            <label className="flex items-center gap-1.5">
              <input type="radio" checked={on === 'image'} onChange={() => setOn('image')} />
              an image file
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" checked={on === 'device'} onChange={() => setOn('device')} />a
              block device
            </label>
          </div>
        </fieldset>
        {on === 'image' ? (
          <TextField
            label="Size (MiB)"
            hint="A sparse file under the agent's data dir: it takes room as it fills"
            value={size}
            onChange={setSize}
            error={errors.sizeMiB}
          />
        ) : (
          <TextField
            label="Device"
            hint="Formatted with btrfs: everything on it is lost"
            value={device}
            onChange={setDevice}
            error={errors.device ?? errors.sizeMiB}
          />
        )}
        <Checkbox
          label="Make it the default pool"
          hint="New containers go to it unless they name another"
          checked={makeDefault}
          onChange={setMakeDefault}
        />
      </div>
      <FormError message={errors['(root)']} />
      <Button
        type="submit"
        variant="primary"
        busy={create.isPending}
        disabledReason={disabledReason}
      >
        Create pool
      </Button>
    </form>
  );
}
