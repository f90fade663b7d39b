import { Button } from './Button';
import { FormError } from './FormError';

/** The end of an edit form: its error that belongs to no field, then Save and Discard. */
export function FormActions({
  rootError,
  busy,
  dirty,
  saveLabel = 'Save',
  onDiscard,
}: {
  rootError: string | undefined;
  busy: boolean;
  dirty: boolean;
  saveLabel?: string;
  onDiscard: () => void;
}) {
  return (
    <>
      <FormError message={rootError} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
          {saveLabel}
        </Button>
        <Button disabled={!dirty} onClick={onDiscard}>
          Discard changes
        </Button>
      </div>
    </>
  );
}
