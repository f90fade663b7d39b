import type { ReactNode } from 'react';
import { Field } from './Field';

/**
 * A labelled one-line input holding a string. For passwords, `autoComplete` tells password
 * managers whether to fill the saved one (current-password) or offer a new one (new-password).
 */
export function TextField({
  label,
  hint,
  error,
  type,
  autoComplete,
  value,
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  type?: 'password';
  autoComplete?: 'off' | 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <input
          {...a}
          type={type}
          className="input"
          autoComplete={autoComplete}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
