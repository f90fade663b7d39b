import type { ReactNode } from 'react';
import { Field } from './Field';

/**
 * A labelled password input. `autoComplete` tells password managers whether to fill the saved
 * password (current-password) or offer to generate and save one (new-password).
 */
export function PasswordField({
  label,
  hint,
  error,
  autoComplete,
  value,
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  error?: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <input
          {...a}
          type="password"
          className="input"
          autoComplete={autoComplete}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
