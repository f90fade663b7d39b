import type { ReactNode } from 'react';
import { Field } from './Field';

/**
 * A labelled one-line input holding a string. For passwords, `autoComplete` tells password
 * managers whether to fill the saved one (current-password) or offer a new one (new-password).
 * `mono` sets addresses, MACs and names in the monospace face the pages show them in.
 */
export function TextField({
  label,
  hint,
  error,
  type,
  autoComplete,
  mono,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  type?: 'password';
  autoComplete?: 'off' | 'current-password' | 'new-password';
  mono?: boolean;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <input
          {...a}
          type={type}
          className={mono ? 'input font-mono' : 'input'}
          autoComplete={autoComplete}
          placeholder={placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
