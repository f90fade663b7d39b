'use client';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { ConfirmDialog, ConfirmTick } from '@/components/ui/ConfirmDialog';

/** The actions that ask first: a stop (which may be forced) and a hard reset. */
export type ConfirmedAction = 'stop' | 'reset';

/**
 * "Stop web1?" with a Force box, or "Reset web1?": the question the instance header, the
 * list's row menu and the command palette all ask before these actions.
 */
export function ConfirmAction({
  instance,
  action,
  onConfirm,
  onCancel,
}: {
  instance: Pick<Instance, 'name' | 'kind'>;
  action: ConfirmedAction;
  onConfirm: (opts: { force: boolean }) => void;
  onCancel: () => void;
}) {
  const [force, setForce] = useState(false);
  if (action === 'reset')
    return (
      <ConfirmDialog
        title={`Reset ${instance.name}?`}
        confirmLabel="Reset"
        danger
        onCancel={onCancel}
        onConfirm={() => onConfirm({ force: false })}
      >
        A hard reset, like pressing the reset button: unsaved data in the guest is lost.
      </ConfirmDialog>
    );
  return (
    <ConfirmDialog
      title={`Stop ${instance.name}?`}
      confirmLabel={force ? 'Power off' : 'Stop'}
      danger={force}
      onCancel={onCancel}
      onConfirm={() => onConfirm({ force })}
    >
      <p>
        {instance.kind === 'vm'
          ? 'The guest gets an ACPI shutdown request and is powered off if it has not stopped after the timeout.'
          : 'The container is asked to shut down and is killed if it has not stopped after the timeout.'}
      </p>
      <ConfirmTick checked={force} onChange={setForce}>
        Force: power off at once (unsaved data is lost)
      </ConfirmTick>
    </ConfirmDialog>
  );
}
