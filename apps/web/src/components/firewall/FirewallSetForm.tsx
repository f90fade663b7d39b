'use client';
import { useState, type FormEvent } from 'react';
import { CreateFirewallSet, FirewallSetBody, type FirewallSet } from '@berth/contracts';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreateFirewallSet, useUpdateFirewallSet } from '@/queries/useFirewallSets';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { TextField } from '@/components/ui/TextField';

const addressesOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/**
 * A new address set, or the addresses of one (`set` given): one IPv4 or IPv6 address or
 * network per line. Saving a set that rules use re-makes the firewall of every instance concerned.
 */
export function FirewallSetForm({
  set,
  disabledReason,
  onDone,
}: {
  set?: FirewallSet;
  disabledReason: string | null;
  onDone?: () => void;
}) {
  const create = useCreateFirewallSet();
  const update = useUpdateFirewallSet();
  const saving = set ? update : create;
  const [name, setName] = useState('');
  const [addresses, setAddresses] = useState(set?.addresses.join('\n') ?? '');
  const [comment, setComment] = useState(set?.comment ?? '');
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(saving.isError ? saveErrors(saving.error) : {}), ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const fields = { addresses: addressesOf(addresses), comment };
    if (set) {
      const checked = FirewallSetBody.safeParse(fields);
      if (!checked.success) return setLocal(issuesByField(checked.error.issues));
      setLocal({});
      update.mutate(
        { name: set.name, body: checked.data },
        {
          onSuccess: () => {
            toast({ tone: 'success', title: `Address set ${set.name} saved` });
            onDone?.();
          },
        },
      );
      return;
    }
    const checked = CreateFirewallSet.safeParse({ name, ...fields });
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    create.mutate(checked.data, {
      onSuccess: (made) => {
        toast({ tone: 'success', title: `Address set ${made.name} created` });
        setName('');
        setAddresses('');
        setComment('');
      },
    });
  };

  const title = set ? `Edit @${set.name}` : 'New address set';
  return (
    <form onSubmit={submit} className="card space-y-3 p-4" aria-label={title}>
      <h2 className="font-semibold">{title}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        {!set && (
          <TextField
            label="Name"
            hint="Lowercase letters, digits and dashes; rules name it as @name"
            value={name}
            onChange={setName}
            error={errors.name}
          />
        )}
        <TextField label="Comment" value={comment} onChange={setComment} error={errors.comment} />
        <Field
          label="Addresses"
          hint="IPv4 or IPv6 addresses or networks, one per line (10.0.5.7, 10.0.5.0/24, fd00:1::/64)"
          error={errors.addresses}
          className="sm:col-span-2"
        >
          {(a) => (
            <textarea
              {...a}
              className="input h-28 font-mono text-xs"
              value={addresses}
              onChange={(e) => setAddresses(e.target.value)}
            />
          )}
        </Field>
      </div>
      <FormError message={errors['(root)']} />
      <div className="flex gap-2">
        <Button
          type="submit"
          variant="primary"
          busy={saving.isPending}
          disabledReason={disabledReason}
        >
          {set ? 'Save set' : 'Create set'}
        </Button>
        {set && onDone && <Button onClick={onDone}>Cancel</Button>}
      </div>
    </form>
  );
}
