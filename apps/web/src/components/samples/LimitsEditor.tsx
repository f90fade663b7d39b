'use client';
import { Field } from '@/components/ui/Field';
import { LIMIT_FIELDS, type LimitField, type LimitsText } from '@/lib/limitsForm';

/**
 * Inputs for limits, one per field, empty meaning "no limit". `errors` are keyed by the field's
 * dotted path (memory.limitMiB), as the API's issues name them under `limits.`.
 */
export function LimitsEditor({
  value,
  onChange,
  errors = {},
  fields = LIMIT_FIELDS,
}: {
  value: LimitsText;
  onChange: (next: LimitsText) => void;
  errors?: Record<string, string>;
  fields?: readonly LimitField[];
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {fields.map((f) => (
        <Field key={f.path} label={f.label} hint={f.hint} error={errors[f.path]}>
          {(a) => (
            <input
              {...a}
              className="input"
              inputMode={f.text ? 'text' : 'numeric'}
              placeholder="no limit"
              value={value[f.path] ?? ''}
              onChange={(e) => onChange({ ...value, [f.path]: e.target.value })}
            />
          )}
        </Field>
      ))}
    </div>
  );
}
