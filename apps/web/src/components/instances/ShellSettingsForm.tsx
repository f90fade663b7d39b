'use client';
import { useEffect, useState, type FormEvent } from 'react';
import type { Instance } from '@berth/contracts';
import { useUpdateInstance } from '@/queries/useInstances';
import { saveErrors } from '@/lib/formErrors';
import { FormActions } from '@/components/ui/FormActions';
import { InputField } from '@/components/ui/BoundField';
import { toast } from '@/lib/toast';

const formOf = (i: Instance) => ({ program: i.shell?.program ?? '', user: i.shell?.user ?? '' });

/** A container's console shell: which program, as which user; empty means the default. */
export function ShellSettingsForm({ instance: i }: { instance: Instance }) {
  const update = useUpdateInstance(i.id);
  const [f, setF] = useState(() => formOf(i));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!dirty) setF(formOf(i));
  }, [i, dirty]);
  const set = (k: keyof typeof f, v: string) => {
    setDirty(true);
    setF((o) => ({ ...o, [k]: v }));
  };
  const form = { values: f, set, errors };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The API checks the fields (the contract's schema is not worth its weight on this page).
    const shell = { program: f.program.trim() || null, user: f.user.trim() || null };
    update.mutate(
      { shell },
      {
        onSuccess: () => {
          setErrors({});
          setDirty(false);
          toast({ tone: 'success', title: `Saved the shell of ${i.name}` });
        },
        // The API's paths start at the body ("shell.program"): keep the last part.
        onError: (err) => setErrors(saveErrors(err, (path) => path.split('.').pop() ?? path)),
      },
    );
  };

  return (
    <form onSubmit={submit} aria-labelledby="shell-cfg" className="card space-y-4 p-4" noValidate>
      <div>
        <h2 id="shell-cfg" className="font-semibold">
          Console shell
        </h2>
        <p className="mt-1 text-sm text-muted">
          What the Console tab starts. Empty fields use the default: bash when the container has it,
          else sh, as root. New shells use the change; open ones keep theirs.
        </p>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <InputField
          form={form}
          name="program"
          label="Program"
          hint="An absolute path, like /bin/zsh"
          controlClassName="font-mono"
          placeholder="default"
          autoComplete="off"
          spellCheck={false}
        />
        <InputField
          form={form}
          name="user"
          label="User"
          hint="From the container’s /etc/passwd"
          controlClassName="font-mono"
          placeholder="root"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <FormActions
        rootError={errors['(root)']}
        busy={update.isPending}
        dirty={dirty}
        saveLabel="Save shell"
        onDiscard={() => {
          setDirty(false);
          setErrors({});
          setF(formOf(i));
        }}
      />
    </form>
  );
}
