import { Button, type ButtonProps } from './Button';

/**
 * A dialog form's last row: Cancel, then the button that submits the form (primary unless
 * told). Its other props (busy, disabledReason, …) are the submit button's.
 */
export function DialogFooter({
  onCancel,
  className = '',
  variant = 'primary',
  ...submit
}: { onCancel: () => void } & Omit<ButtonProps, 'type' | 'onClick'>) {
  return (
    <div className={`flex justify-end gap-2 ${className}`.trim()}>
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" variant={variant} {...submit} />
    </div>
  );
}
