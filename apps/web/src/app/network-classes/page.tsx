'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { NetworkClasses, type NetworkClass } from '@berth/contracts';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useNetworkClasses, useSaveNetworkClasses } from '@/queries/useNetworkClasses';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { PageHeader } from '@/components/ui/States';

/** One class a line: `name: range, range`, in the order they match. */
const textOf = (classes: readonly NetworkClass[]) =>
  classes.map((c) => `${c.name}: ${c.ranges.join(', ')}`).join('\n');
const classesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name = '', ranges = ''] = l.split(':');
      return { name: name.trim(), ranges: ranges.split(/[\s,]+/).filter(Boolean) };
    });

/**
 * The host's network classes, edited as text: few classes of few ranges each, and their order
 * matters (the first class holding an address counts it), which a text keeps plain.
 */
export default function NetworkClassesPage() {
  const classes = useNetworkClasses();
  const save = useSaveNetworkClasses();
  const deny = needs(useMe().data, 'host.manage');
  const [text, setText] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const loaded = classes.data;
  useEffect(() => {
    if (loaded) setText(textOf(loaded.classes));
  }, [loaded]);
  const errors = { ...(save.isError ? saveErrors(save.error) : {}), ...local };
  const fieldErrors = Object.entries(errors).filter(([k]) => k !== '(root)');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = NetworkClasses.safeParse({ classes: classesOf(text) });
    if (!checked.success) {
      // Named by line: the text is the list, so classes.<i> is line i + 1.
      const byLine = checked.error.issues.map((i) =>
        typeof i.path[1] === 'number'
          ? `line ${i.path[1] + 1}${i.path[2] ? ` (${String(i.path[2])})` : ''}: ${i.message}`
          : i.message,
      );
      return setLocal({ classes: byLine.join('; ') });
    }
    setLocal({});
    save.mutate(checked.data, {
      onSuccess: () => toast({ tone: 'success', title: 'Network classes saved' }),
    });
  };

  return (
    <>
      <PageHeader
        title="Network classes"
        description="Named sets of IPv4 and IPv6 ranges, such as local and world. Each instance's traffic is counted per class and direction (Network tab, /metrics): the first class that holds the other end's address counts it, and what none holds counts as other."
      />
      <form onSubmit={submit} className="card max-w-3xl space-y-3 p-4" aria-label="Network classes">
        <Field
          label="Classes, in order"
          hint="One a line: name: ranges, e.g. local: 10.0.0.0/8, 192.168.0.0/16, fd00::/8 then world: 0.0.0.0/0, ::/0. Saving restarts every instance's counters from zero."
          error={fieldErrors.map(([, v]) => v).join('; ') || undefined}
        >
          {(a) => (
            <textarea
              {...a}
              className="input h-40 font-mono text-xs"
              value={text}
              placeholder={
                'local: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fd00::/8\nworld: 0.0.0.0/0, ::/0'
              }
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        <FormError message={errors['(root)']} />
        <Button type="submit" variant="primary" busy={save.isPending} disabledReason={deny}>
          Save classes
        </Button>
      </form>
    </>
  );
}
