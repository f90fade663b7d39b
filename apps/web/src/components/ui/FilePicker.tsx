import type { ReactNode, Ref } from 'react';
import { Field } from './Field';

/**
 * A labelled file input for the upload forms, with its hint and error as a Field has them;
 * `onPick` gets the chosen file (null when cleared).
 */
export function FilePicker({
  label = 'File',
  accept,
  hint,
  error,
  inputRef,
  onPick,
}: {
  label?: string;
  accept: string;
  hint?: ReactNode;
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
  onPick: (file: File | null) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(a) => (
        <input
          {...a}
          ref={inputRef}
          type="file"
          accept={accept}
          className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-1.5 file:text-sm file:text-fg"
          onChange={(e) => onPick(e.target.files?.[0] ?? null)}
        />
      )}
    </Field>
  );
}
