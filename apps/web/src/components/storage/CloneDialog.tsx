'use client';
import { useState } from 'react';
import { CloneRequest, type Instance } from '@berth/contracts';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useSnapshots } from '@/queries/useSnapshots';
import { useClone, usePools } from '@/queries/useStorage';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { TextField } from '@/components/ui/TextField';

/**
 * Clone a container: a name, linked (shares blocks; only on a copy-on-write pool) or full,
 * of its present state or a snapshot, into a pool. Closes once the API took it; the task
 * tells the end as a toast.
 */
export function CloneDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const clone = useClone(instance.id);
  const pools = usePools().data ?? [];
  const snapshots = useSnapshots(instance.id).data?.items ?? [];
  const source = pools.find((p) => p.instances.some((i) => i.id === instance.id));
  const linkedReason =
    instance.kind === 'vm'
      ? 'a VM is copied whole: its own disks change whenever it runs'
      : source && !source.capabilities.linkedClones
        ? `pool ${source.name} cannot share blocks; linked clones need a btrfs pool`
        : null;
  const [name, setName] = useState(`${instance.name}-clone`);
  const [mode, setMode] = useState<'linked' | 'full'>(linkedReason ? 'full' : 'linked');
  const [snapshot, setSnapshot] = useState('');
  const [pool, setPool] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(clone.isError ? saveErrors(clone.error) : {}), ...local };

  const submit = () => {
    const body = {
      name,
      mode,
      ...(snapshot && { snapshot }),
      ...(mode === 'full' && pool && { pool }),
    };
    const checked = CloneRequest.safeParse(body);
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    clone.mutate(
      {
        body: checked.data,
        cb: {
          onSuccess: () =>
            toast({ tone: 'success', title: `${name} is a clone of ${instance.name}` }),
          onFailure: (t) =>
            toast({
              tone: 'error',
              title: `No clone ${name} of ${instance.name}`,
              body: t.error?.message ?? 'the clone failed',
            }),
        },
      },
      { onSuccess: onClose },
    );
  };

  return (
    <Modal title={`Clone ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <TextField label="Name" value={name} onChange={setName} error={errors.name} />
        <fieldset>
          <legend className="label">Copy</legend>
          <label className="flex items-start gap-2 text-sm" title={linkedReason ?? undefined}>
            <input
              type="radio"
              className="mt-1"
              checked={mode === 'linked'}
              disabled={linkedReason !== null}
              onChange={() => setMode('linked')}
            />
            <span>
              Linked
              <span className="block text-muted">
                {linkedReason ?? 'Instant; shares blocks with the source until either changes them'}
              </span>
            </span>
          </label>
          <label className="mt-2 flex items-start gap-2 text-sm">
            <input
              type="radio"
              className="mt-1"
              checked={mode === 'full'}
              onChange={() => setMode('full')}
            />
            <span>
              Full
              <span className="block text-muted">
                An independent copy of every block, on any pool
              </span>
            </span>
          </label>
        </fieldset>
        <Field label="Of" error={errors.snapshot}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={snapshot}
              onChange={(e) => setSnapshot(e.target.value)}
            >
              <option value="">its present state</option>
              {snapshots.map((s) => (
                <option key={s.name} value={s.name}>
                  snapshot {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {mode === 'full' && instance.kind === 'ct' && (
          <Field label="Pool" error={errors.pool}>
            {(a) => (
              <select
                {...a}
                className="input"
                value={pool}
                onChange={(e) => setPool(e.target.value)}
              >
                <option value="">the same as the source{source ? ` (${source.name})` : ''}</option>
                {pools
                  .filter((p) => p.available && p.name !== source?.name)
                  .map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.name} ({p.driver})
                    </option>
                  ))}
              </select>
            )}
          </Field>
        )}
        <FormError message={errors['(root)'] ?? errors.mode} />
        <DialogFooter onCancel={onClose} busy={clone.isPending}>
          Clone
        </DialogFooter>
      </form>
    </Modal>
  );
}
