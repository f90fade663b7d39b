'use client';
import type { ReactNode } from 'react';
import { DialogFooter } from './DialogFooter';
import { Modal } from './Modal';

/** A modal yes/no question. Render it only while it should be open. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={title} onClose={onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <div className="text-sm text-muted">{children}</div>
        <DialogFooter
          onCancel={onCancel}
          className="mt-5"
          variant={danger ? 'danger' : 'primary'}
          busy={busy}
          autoFocus
        >
          {confirmLabel}
        </DialogFooter>
      </form>
    </Modal>
  );
}

/**
 * A box inside a confirmation ("Force", "Stop first"), opening as `checked` says, reporting each
 * change. Uncontrolled on purpose: these dialogs re-render on every refresh of the page's data
 * (an event, a refetch), and a controlled box re-rendered while a click on it was being handled
 * had the old value written back by React's controlled-input restore, so the click was lost
 * (once in a few hundred clicks under a stream of instance updates; once in CI). React never
 * writes the `checked` of an uncontrolled box after it mounts: the tick is the user's alone.
 */
export function ConfirmTick({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
}) {
  return (
    <label className="mt-3 flex items-center gap-2 text-fg">
      <input
        type="checkbox"
        defaultChecked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {children}
    </label>
  );
}
