'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { MoreHorizontal, SquareArrowOutUpRight, Terminal } from 'lucide-react';
import { actionsFor, whyNot, type Instance, type InstanceAction, type Me } from '@berth/contracts';
import { actionDenied, actionLabel, disabledReason } from '@/lib/instanceActions';
import { needs } from '@/lib/can';
import { actionIcon } from '@/components/frame/icons';
import { Menu, type MenuItem } from '@/components/ui/Menu';
import { ConfirmAction, type ConfirmedAction } from './ConfirmAction';

/** Row menus list what fits the state now; the instance page lists the rest, disabled. */
const icon = (a: InstanceAction) => {
  const I = actionIcon[a];
  return <I aria-hidden size={14} />;
};

/**
 * One table row's compact menu: the actions its state allows (Stop and Reset ask first), its
 * console and its page. The list owns the one mutation every row shares.
 */
export function RowActions({
  instance,
  me,
  busy,
  onAct,
}: {
  instance: Instance;
  me: Me | null | undefined;
  /** Why nothing can run now (a task in progress). */
  busy: string | null;
  onAct: (instance: Instance, action: InstanceAction, opts: { force?: boolean }) => void;
}) {
  const router = useRouter();
  const [confirm, setConfirm] = useState<ConfirmedAction | null>(null);
  const page = `/instances/view/?id=${instance.id}`;
  const consoleDenied =
    needs(me, 'instance.console', instance) && needs(me, 'instance.console.view', instance);

  const items: MenuItem[] = actionsFor(instance.kind)
    .filter((a) => whyNot(instance.kind, a, instance.state) === null)
    .map((a) => ({
      key: a,
      label: actionLabel[a],
      icon: icon(a),
      disabledReason: busy ?? actionDenied(me, instance, a) ?? disabledReason(instance, a),
      onSelect: () => (a === 'stop' || a === 'reset' ? setConfirm(a) : onAct(instance, a, {})),
    }));
  if (whyNot(instance.kind, 'console', instance.state) === null)
    items.push({
      key: 'console',
      label: 'Console',
      icon: <Terminal aria-hidden size={14} />,
      disabledReason: consoleDenied,
      onSelect: () => router.push(`${page}&tab=console`),
    });
  items.push({
    key: 'open',
    label: 'Open',
    icon: <SquareArrowOutUpRight aria-hidden size={14} />,
    onSelect: () => router.push(page),
  });

  return (
    <>
      <Menu
        compact
        label={`Actions for ${instance.name}`}
        trigger={<MoreHorizontal aria-hidden size={16} />}
        items={items}
      />
      {confirm && (
        <ConfirmAction
          instance={instance}
          action={confirm}
          onCancel={() => setConfirm(null)}
          onConfirm={(opts) => {
            setConfirm(null);
            onAct(instance, confirm, opts);
          }}
        />
      )}
    </>
  );
}
