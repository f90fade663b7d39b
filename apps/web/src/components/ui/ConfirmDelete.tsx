'use client';
import type { ReactNode } from 'react';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * "Delete <what>?" with the outcome told as a toast either way; the dialog closes when the
 * deletion settles. `remove` is a mutation's mutate with its argument already bound.
 */
export function ConfirmDelete({
  what,
  busy,
  remove,
  onClose,
  children,
}: {
  what: string;
  busy: boolean;
  remove: (callbacks: {
    onSuccess: () => void;
    onError: (e: unknown) => void;
    onSettled: () => void;
  }) => void;
  onClose: () => void;
  children?: ReactNode;
}) {
  return (
    <ConfirmDialog
      title={`Delete ${what}?`}
      confirmLabel="Delete"
      danger
      busy={busy}
      onCancel={onClose}
      onConfirm={() =>
        remove({
          onSuccess: () => toast({ tone: 'success', title: `Deleted ${what}` }),
          onError: (e) =>
            toast({ tone: 'error', title: `Cannot delete ${what}`, body: errorText(e) }),
          onSettled: onClose,
        })
      }
    >
      {children}
    </ConfirmDialog>
  );
}
