'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ConvertToTemplate, RenameRequest, type Instance, type KeepFolder } from '@berth/contracts';
import { errorText } from '@/lib/errorText';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import {
  useConvertToTemplate,
  useReinstallInstance,
  useRenameInstance,
  useSetInstanceDisabled,
} from '@/queries/useMaintenance';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { TextField } from '@/components/ui/TextField';

/** A new name and, optionally, hostname; checked against the contract before it is sent. */
export function RenameDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const rename = useRenameInstance(instance.id);
  const [name, setName] = useState(instance.name);
  const [hostname, setHostname] = useState(instance.hostname);
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(rename.isError ? saveErrors(rename.error) : {}), ...local };

  const submit = () => {
    const body = { name, ...(hostname !== instance.hostname && { hostname }) };
    const checked = RenameRequest.safeParse(body);
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    rename.mutate(checked.data, {
      onSuccess: (i) => {
        toast({ tone: 'success', title: `${instance.name} is now ${i.name}` });
        onClose();
      },
    });
  };

  return (
    <Modal title={`Rename ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <TextField label="Name" value={name} onChange={setName} error={errors.name} />
        <TextField
          label="Hostname"
          hint={
            instance.state === 'running'
              ? 'Changed inside the running container at once, and in /etc/hostname and /etc/hosts'
              : 'Written to /etc/hostname and /etc/hosts'
          }
          value={hostname}
          onChange={setHostname}
          error={errors.hostname}
        />
        <FormError message={errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={rename.isPending}>
          Rename
        </DialogFooter>
      </form>
    </Modal>
  );
}

/** Disable (asks first: it cannot be started afterwards) or enable at once. */
export function DisableDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const change = useSetInstanceDisabled(instance.id);
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      title={instance.disabled ? `Enable ${instance.name}?` : `Disable ${instance.name}?`}
      confirmLabel={instance.disabled ? 'Enable' : 'Disable'}
      busy={change.isPending}
      onCancel={onClose}
      onConfirm={() =>
        change.mutate(
          { disabled: !instance.disabled },
          { onSuccess: onClose, onError: (e) => setError(errorText(e)) },
        )
      }
    >
      <p>
        {instance.disabled
          ? 'It can be started again.'
          : `It cannot be started until it is enabled again${instance.state === 'running' ? '; it keeps running until it stops' : ''}.`}
      </p>
      <FormError message={error ?? undefined} />
    </ConfirmDialog>
  );
}

/**
 * Reinstall is destructive: everything in the root filesystem but the kept folders is lost,
 * so the name must be typed to confirm.
 */
export function ReinstallDialog({
  instance,
  onClose,
}: {
  instance: Instance;
  onClose: () => void;
}) {
  const reinstall = useReinstallInstance(instance.id);
  const [keep, setKeep] = useState<KeepFolder[]>(['root', 'home']);
  const [typed, setTyped] = useState('');
  const toggle = (f: KeepFolder, on: boolean) =>
    setKeep((k) => (on ? [...k.filter((x) => x !== f), f] : k.filter((x) => x !== f)));
  const error = reinstall.isError ? errorText(reinstall.error) : undefined;

  const submit = () =>
    reinstall.mutate(
      {
        body: { keep },
        cb: {
          onSuccess: () => toast({ tone: 'success', title: `${instance.name} was reinstalled` }),
          onFailure: (t) =>
            toast({
              tone: 'error',
              title: `${instance.name} was not reinstalled`,
              body: t.error?.message ?? 'the reinstall failed',
            }),
        },
      },
      { onSuccess: onClose },
    );

  return (
    <Modal title={`Reinstall ${instance.name}?`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === instance.name) submit();
        }}
      >
        <p className="text-sm text-muted">
          The root filesystem is made again from the template {instance.template}. CT ID, name,
          settings, addresses, limits and snapshots stay; everything else inside is lost, including
          the root password.
        </p>
        <fieldset>
          <legend className="label">Keep</legend>
          {(['root', 'home'] as const).map((f) => (
            <label key={f} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={keep.includes(f)}
                onChange={(e) => toggle(f, e.target.checked)}
              />
              /{f}
            </label>
          ))}
        </fieldset>
        <TextField label={`Type ${instance.name} to confirm`} value={typed} onChange={setTyped} />
        <FormError message={error} />
        <DialogFooter
          onCancel={onClose}
          variant="danger"
          busy={reinstall.isPending}
          disabledReason={typed === instance.name ? null : `type ${instance.name} to confirm`}
        >
          Reinstall
        </DialogFooter>
      </form>
    </Modal>
  );
}

/**
 * Makes a stopped VM or container a template: a name (never a built-in's) and a description;
 * a VM goes, so the dialog says so, a container stays. Closes once the API took it; the task's
 * end is a toast.
 */
export function TemplateDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const convert = useConvertToTemplate(instance.id);
  const router = useRouter();
  const [name, setName] = useState(`${instance.name}-template`);
  const [description, setDescription] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(convert.isError ? saveErrors(convert.error) : {}), ...local };

  const submit = () => {
    const checked = ConvertToTemplate.safeParse({ name, description });
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    convert.mutate(
      {
        body: checked.data,
        cb: {
          onSuccess: () => {
            toast({
              tone: 'success',
              title:
                instance.kind === 'vm'
                  ? `${instance.name} is now template ${name}`
                  : `Template ${name} was made from ${instance.name}`,
            });
            router.push('/templates/');
          },
          onFailure: (t) =>
            toast({
              tone: 'error',
              title: `${instance.name} was not made a template`,
              body: t.error?.message ?? 'the conversion failed',
            }),
        },
      },
      { onSuccess: onClose },
    );
  };

  return (
    <Modal
      title={
        instance.kind === 'vm'
          ? `Make ${instance.name} a template?`
          : `Make a template from ${instance.name}?`
      }
      onClose={onClose}
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {instance.kind === 'vm' ? (
          <p className="text-sm text-muted">
            Its disk becomes a read-only template that new VMs start from (linked or copied), listed
            on the Templates page. The VM itself goes.
          </p>
        ) : (
          <p className="text-sm text-muted">
            Its root filesystem is packed as a container template that new containers start from,
            listed on the Templates page (where it can be exported as a file). The container stays
            as it is.
          </p>
        )}
        <TextField label="Template name" value={name} onChange={setName} error={errors.name} />
        <TextField
          label="Description"
          value={description}
          onChange={setDescription}
          error={errors.description}
        />
        <FormError message={errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={convert.isPending}>
          Make template
        </DialogFooter>
      </form>
    </Modal>
  );
}
