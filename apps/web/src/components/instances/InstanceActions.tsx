'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import {
  Ban,
  BookCopy,
  CircleCheck,
  Copy,
  LifeBuoy,
  MoreHorizontal,
  PencilLine,
  RotateCcwSquare,
  Terminal,
  Trash2,
  X,
} from 'lucide-react';
import { actionsFor, whyNot, type Instance, type InstanceAction } from '@berth/contracts';
import { useDeleteInstance, useInstanceAction } from '@/queries/useInstances';
import { actionDenied, actionLabel, busyReason, disabledReason } from '@/lib/instanceActions';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { actionIcon } from '@/components/frame/icons';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog, ConfirmTick } from '@/components/ui/ConfirmDialog';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { Menu } from '@/components/ui/Menu';
import { CloneDialog } from '@/components/storage/CloneDialog';
import { ProblemReportDialog } from '@/components/troubleshooting/ProblemReportDialog';
import { ConfirmAction, type ConfirmedAction } from './ConfirmAction';
import { DisableDialog, ReinstallDialog, RenameDialog, TemplateDialog } from './MaintenanceDialogs';

/** What the header offers as buttons, first that fits: bringing it up beats taking it down. */
const PRIMARY: readonly InstanceAction[] = ['start', 'resume', 'unpause', 'stop'];
const ASKS_FIRST: ReadonlySet<InstanceAction> = new Set<ConfirmedAction>(['stop', 'reset']);

const Icon = ({ action }: { action: InstanceAction }) => {
  const I = actionIcon[action];
  return <I aria-hidden size={14} />;
};

/**
 * The instance's actions: the ones its state calls for as buttons (Start for a stopped one;
 * Console and Stop for a running one), the rest and Delete in a menu. Stop and Reset ask
 * first; what the user may not do is disabled with the reason. A failure stays in view, as a
 * sentence with the host's own words under Details.
 */
export function InstanceActions({ instance }: { instance: Instance }) {
  const router = useRouter();
  const [failure, setFailure] = useState<{ title: string; error: unknown } | null>(null);
  const failed = (verb: string) => (error: unknown) =>
    setFailure({ title: `Could not ${verb} ${instance.name}`, error });
  const act = useInstanceAction({
    onFailure: (t) => failed(t.kind.replace('instance.', ''))(t.error ?? t.message),
  });
  const del = useDeleteInstance({
    onSuccess: () => router.push('/instances/'),
    onFailure: (t) => failed('delete')(t.error ?? t.message),
  });
  const [pending, setPending] = useState<InstanceAction | null>(null);
  const [confirm, setConfirm] = useState<
    | ConfirmedAction
    | 'delete'
    | 'clone'
    | 'rename'
    | 'disable'
    | 'reinstall'
    | 'template'
    | 'report'
    | null
  >(null);
  const [force, setForce] = useState(false);
  const needsForce = whyNot(instance.kind, 'delete', instance.state) !== null;
  const busy = busyReason(useActiveTaskByInstance().get(instance.id));
  const me = useMe().data;

  const run = (action: InstanceAction, opts: { force?: boolean } = {}) => {
    setPending(action);
    setFailure(null);
    act.mutate(
      { id: instance.id, action, force: opts.force },
      { onError: failed(action), onSettled: () => setPending(null) },
    );
  };
  const choose = (a: InstanceAction) =>
    ASKS_FIRST.has(a) ? setConfirm(a as ConfirmedAction) : run(a);
  const reason = (a: InstanceAction) =>
    busy ??
    actionDenied(me, instance, a) ??
    whyNot(instance.kind, a, instance.state) ??
    disabledReason(instance, a);
  const configureDenied = busy ?? needs(me, 'instance.configure', instance);

  const actions = actionsFor(instance.kind);
  const up = actions.find(
    (a) => a !== 'stop' && PRIMARY.includes(a) && !whyNot(instance.kind, a, instance.state),
  );
  const canStop = actions.includes('stop') && !whyNot(instance.kind, 'stop', instance.state);
  const primary = [up, canStop ? ('stop' as const) : undefined].filter(
    (a): a is InstanceAction => !!a,
  );
  const consoleOpen = whyNot(instance.kind, 'console', instance.state) === null;
  const consoleDenied =
    needs(me, 'instance.console', instance) && needs(me, 'instance.console.view', instance);

  return (
    <div className="space-y-2">
      <div
        role="toolbar"
        aria-label="Instance actions"
        className="flex flex-wrap items-center gap-2"
      >
        {primary
          .filter((a) => a !== 'stop')
          .map((a) => (
            <Button
              key={a}
              size="sm"
              variant="primary"
              disabledReason={reason(a)}
              busy={pending === a}
              onClick={() => choose(a)}
            >
              <Icon action={a} />
              {actionLabel[a]}
            </Button>
          ))}
        {consoleOpen &&
          (consoleDenied ? (
            <Button size="sm" disabledReason={consoleDenied}>
              <Terminal aria-hidden size={14} /> Console
            </Button>
          ) : (
            <Link
              href={`/instances/view/?id=${instance.id}&tab=console`}
              className="btn-link gap-1.5 px-2.5 py-1"
            >
              <Terminal aria-hidden size={14} /> Console
            </Link>
          ))}
        {primary.includes('stop') && (
          <Button
            size="sm"
            disabledReason={reason('stop')}
            busy={pending === 'stop'}
            onClick={() => choose('stop')}
          >
            <Icon action="stop" />
            Stop
          </Button>
        )}
        <Menu
          label="More actions"
          trigger={
            <>
              More <MoreHorizontal aria-hidden size={14} />
            </>
          }
          items={[
            ...actions
              .filter((a) => !primary.includes(a))
              .map((a) => ({
                key: a,
                label: actionLabel[a],
                icon: <Icon action={a} />,
                disabledReason: reason(a),
                onSelect: () => choose(a),
              })),
            {
              key: 'clone',
              label: 'Clone…',
              icon: <Copy aria-hidden size={14} />,
              disabledReason: busy ?? needs(me, 'instance.create', instance),
              onSelect: () => setConfirm('clone'),
            },
            {
              key: 'template',
              label: 'Make template…',
              icon: <BookCopy aria-hidden size={14} />,
              // A VM goes (instance.delete); a container stays and is only read.
              disabledReason:
                busy ??
                needs(me, instance.kind === 'vm' ? 'instance.delete' : 'instance.view', instance) ??
                needs(me, 'template.manage') ??
                (instance.state === 'stopped' ? null : 'shut it down first'),
              onSelect: () => setConfirm('template'),
            },
            ...(instance.kind === 'ct'
              ? [
                  {
                    key: 'rename',
                    label: 'Rename…',
                    icon: <PencilLine aria-hidden size={14} />,
                    disabledReason: configureDenied,
                    onSelect: () => setConfirm('rename'),
                  },
                  {
                    key: 'disable',
                    label: instance.disabled ? 'Enable' : 'Disable…',
                    icon: instance.disabled ? (
                      <CircleCheck aria-hidden size={14} />
                    ) : (
                      <Ban aria-hidden size={14} />
                    ),
                    disabledReason: configureDenied,
                    onSelect: () => setConfirm('disable'),
                  },
                  {
                    key: 'reinstall',
                    label: 'Reinstall…',
                    icon: <RotateCcwSquare aria-hidden size={14} />,
                    danger: true,
                    disabledReason:
                      configureDenied ??
                      needs(me, 'instance.delete', instance) ??
                      (instance.state === 'stopped' ? null : 'stop it to reinstall it'),
                    onSelect: () => setConfirm('reinstall'),
                  },
                ]
              : []),
            {
              key: 'report',
              label: 'Problem report…',
              icon: <LifeBuoy aria-hidden size={14} />,
              disabledReason: instance.hostId ? needs(me, 'host.manage') : 'its host is not known',
              onSelect: () => setConfirm('report'),
            },
            {
              key: 'delete',
              label: 'Delete',
              icon: <Trash2 aria-hidden size={14} />,
              danger: true,
              disabledReason: busy ?? actionDenied(me, instance, 'delete'),
              onSelect: () => setConfirm('delete'),
            },
          ]}
        />
      </div>
      {failure && (
        <div
          role="alert"
          className="flex items-start gap-2 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
        >
          <div className="min-w-0 flex-1">
            <p className="font-semibold">{failure.title}</p>
            <ErrorMessage error={failure.error} />
          </div>
          <button
            type="button"
            aria-label="Dismiss"
            className="rounded p-0.5 hover:bg-red-100 dark:hover:bg-red-900/50"
            onClick={() => setFailure(null)}
          >
            <X aria-hidden size={14} />
          </button>
        </div>
      )}
      {(confirm === 'stop' || confirm === 'reset') && (
        <ConfirmAction
          instance={instance}
          action={confirm}
          onCancel={() => setConfirm(null)}
          onConfirm={(opts) => {
            setConfirm(null);
            run(confirm, opts);
          }}
        />
      )}
      {confirm === 'report' && instance.hostId && (
        <ProblemReportDialog
          hostId={instance.hostId}
          preselected={[instance.id]}
          onClose={() => setConfirm(null)}
        />
      )}
      {confirm === 'clone' && <CloneDialog instance={instance} onClose={() => setConfirm(null)} />}
      {confirm === 'rename' && (
        <RenameDialog instance={instance} onClose={() => setConfirm(null)} />
      )}
      {confirm === 'disable' && (
        <DisableDialog instance={instance} onClose={() => setConfirm(null)} />
      )}
      {confirm === 'template' && (
        <TemplateDialog instance={instance} onClose={() => setConfirm(null)} />
      )}
      {confirm === 'reinstall' && (
        <ReinstallDialog instance={instance} onClose={() => setConfirm(null)} />
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title={`Delete ${instance.name}?`}
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setFailure(null);
            del.mutate(
              { id: instance.id, force: needsForce && force },
              {
                onSuccess: () => setConfirm(null),
                onError: (e) => {
                  setConfirm(null);
                  failed('delete')(e);
                },
              },
            );
          }}
        >
          <p>
            This deletes the {instance.kind === 'vm' ? 'VM' : 'container'} and its disks. It cannot
            be undone.
          </p>
          {needsForce && (
            <ConfirmTick checked={force} onChange={setForce}>
              Stop it first, then delete
            </ConfirmTick>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
