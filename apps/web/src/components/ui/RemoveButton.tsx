import { Button } from './Button';

/** A table row's Remove button, named after what it removes for screen readers and tests. */
export function RemoveButton({
  what,
  disabledReason,
  onClick,
}: {
  what: string;
  disabledReason?: string | null;
  onClick: () => void;
}) {
  return (
    <Button
      size="sm"
      disabledReason={disabledReason}
      aria-label={`Remove ${what}`}
      onClick={onClick}
    >
      Remove
    </Button>
  );
}
