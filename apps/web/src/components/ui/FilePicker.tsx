import { useId, type Ref } from 'react';

/** A labelled file input for the upload forms; `onPick` gets the chosen file (null when cleared). */
export function FilePicker({
  label = 'File',
  accept,
  inputRef,
  onPick,
}: {
  label?: string;
  accept: string;
  inputRef?: Ref<HTMLInputElement>;
  onPick: (file: File | null) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        type="file"
        accept={accept}
        className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-1.5 file:text-sm file:text-fg"
        onChange={(e) => onPick(e.target.files?.[0] ?? null)}
      />
    </div>
  );
}
