'use client';
import type { Instance } from '@berth/contracts';
import { Field } from '@/components/ui/Field';
import { useInstances } from '@/queries/useInstances';

/** A select of the instances one may see, narrowed by `allow` (those one may configure…). */
export function InstancePicker({
  value,
  onChange,
  allow = () => true,
  label = 'Instance',
}: {
  value: string;
  onChange: (id: string) => void;
  allow?: (i: Instance) => boolean;
  label?: string;
}) {
  const instances = useInstances();
  const choices = (instances.data ?? []).filter(allow);
  return (
    <Field label={label} hint={instances.isPending ? 'Loading instances…' : undefined}>
      {(a) => (
        <select {...a} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose an instance</option>
          {choices.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} ({i.kind === 'ct' ? `CT ${i.ctid}` : 'VM'}, {i.state})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
