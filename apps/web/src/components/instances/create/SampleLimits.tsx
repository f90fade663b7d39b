'use client';
import { useState } from 'react';
import type { InstanceKind, LimitPath } from '@berth/contracts';
import { LimitsEditor } from '@/components/samples/LimitsEditor';
import { Field } from '@/components/ui/Field';
import type { FormBinding } from '@/components/ui/BoundField';
import { can } from '@/lib/can';
import type { CreateForm } from '@/lib/createForm';
import { fieldsFor, limitAt, limitsFor, limitsToText, type LimitsText } from '@/lib/limitsForm';
import { useMe } from '@/queries/useAuth';
import { useSamples } from '@/queries/useSamples';
import { Section } from './Section';

/**
 * Limits the form already asks for elsewhere (a container's disk size, a VM's vCPUs and
 * memory): a sample fills those fields instead, so no value is asked for twice.
 */
type SizeField = 'diskSizeMiB' | 'vcpus' | 'memoryMiB';
const IN_FORM: Record<InstanceKind, Partial<Record<LimitPath, SizeField>>> = {
  ct: { 'disk.sizeMiB': 'diskSizeMiB' },
  vm: { 'cpu.count': 'vcpus', 'memory.limitMiB': 'memoryMiB' },
};

/** The create form's limits, optionally started from a configuration sample. */
export function SampleLimits({
  kind,
  form,
  limits,
  onLimits,
  errors,
}: {
  kind: InstanceKind;
  form: FormBinding<CreateForm>;
  limits: LimitsText;
  onLimits: (next: LimitsText) => void;
  errors: Record<string, string>;
}) {
  const me = useMe().data;
  const mayView = can(me, 'sample.view');
  const samples = useSamples(mayView);
  const [chosen, setChosen] = useState('');
  const fields = fieldsFor(kind).filter((f) => !IN_FORM[kind][f.path]);

  const choose = (id: string) => {
    setChosen(id);
    const sample = samples.data?.find((s) => s.id === id);
    if (!sample) return;
    const own = limitsFor(kind, sample.limits);
    for (const [path, field] of Object.entries(IN_FORM[kind]) as [LimitPath, SizeField][]) {
      const v = limitAt(own, path);
      if (v !== undefined) form.set(field, String(v));
    }
    const text = limitsToText(own);
    onLimits(Object.fromEntries(fields.map((f) => [f.path, text[f.path] ?? ''])));
  };

  return (
    <Section title="Limits">
      {mayView && (
        <Field
          label="Start from a sample"
          hint={
            kind === 'ct'
              ? 'Fills the disk size and the limits below; change any before creating'
              : 'Fills vCPUs, memory and the limits below; change any before creating'
          }
        >
          {(a) => (
            <select
              {...a}
              className="input"
              value={chosen}
              onChange={(e) => choose(e.target.value)}
            >
              <option value="">None</option>
              {samples.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.builtin ? ' (built-in)' : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <div className="sm:col-span-2">
        <LimitsEditor value={limits} onChange={onLimits} errors={errors} fields={fields} />
      </div>
    </Section>
  );
}
