import {
  actionsFor,
  whyNot,
  type Instance,
  type InstanceAction,
  type Me,
  type Task,
} from '@berth/contracts';
import { actionDenied, actionLabel, busyReason } from '@/lib/instanceActions';
import { needs } from '@/lib/can';
import { pagesFor } from '@/lib/navigation';
import type { ConfirmedAction } from '@/components/instances/ConfirmAction';

/**
 * What the command palette offers: pages (from the navigation registry), instances to open,
 * their consoles, and the lifecycle actions their state allows. Built from the same tables
 * the buttons use (contracts' whyNot, instanceActions, can), so a command the palette offers
 * is one the API would take, and a refused one carries the button's reason.
 */
export type PaletteCommand =
  | {
      type: 'page' | 'instance' | 'console' | 'snapshot';
      id: string;
      label: string;
      /** Words matched besides the label (CT ID, kind, tags…). */
      keywords: string;
      href: string;
      /** The icon's key (see frame/icons). */
      icon: string;
    }
  | {
      type: 'action';
      id: string;
      label: string;
      keywords: string;
      icon: string;
      instance: Instance;
      action: InstanceAction;
      /** Asked before running, in the instance header's words (a stop with Force, a hard reset). */
      confirm: ConfirmedAction | null;
      /** Why it cannot run now (permission, state, a task in progress); null when it can. */
      disabledReason: string | null;
    };

/** Actions whose button asks first; the palette asks the same question. */
const asksFirst = (a: InstanceAction): a is ConfirmedAction => a === 'stop' || a === 'reset';

const kindWords = (i: Instance) => (i.kind === 'vm' ? 'vm virtual machine' : 'ct container');

export function paletteCommands(
  me: Me | null | undefined,
  instances: readonly Instance[],
  activeTasks: ReadonlyMap<string, Pick<Task, 'kind'>>,
): PaletteCommand[] {
  const out: PaletteCommand[] = pagesFor(me).map((p) => ({
    type: 'page',
    id: `page:${p.href}`,
    label: p.label,
    keywords: `go page ${p.keywords ?? ''}`,
    href: p.href,
    icon: `page:${p.href}`,
  }));
  for (const i of instances) {
    const words = `${i.ctid ?? ''} ${kindWords(i)} ${i.tags.join(' ')} ${i.state}`;
    out.push({
      type: 'instance',
      id: `instance:${i.id}`,
      label: i.name,
      keywords: `open ${words}`,
      href: `/instances/view/?id=${i.id}`,
      icon: i.kind,
    });
    if (!needs(me, 'instance.console', i) || !needs(me, 'instance.console.view', i))
      out.push({
        type: 'console',
        id: `console:${i.id}`,
        label: `Console ${i.name}`,
        keywords: `${words} shell screen terminal`,
        href: `/instances/view/?id=${i.id}&tab=console`,
        icon: 'console',
      });
    if (!needs(me, 'instance.snapshot', i))
      out.push({
        type: 'snapshot',
        id: `snapshot:${i.id}`,
        label: `Snapshot ${i.name}`,
        keywords: `${words} take snapshot checkpoint`,
        href: `/instances/view/?id=${i.id}&tab=snapshots&take=1`,
        icon: 'snapshot',
      });
    const busy = busyReason(activeTasks.get(i.id));
    for (const a of actionsFor(i.kind)) {
      const stateReason = whyNot(i.kind, a, i.state);
      // A state the action never fits is noise ("start web1" while it runs): only offer
      // what could run now, or what is held back by a task or a permission.
      if (stateReason) continue;
      out.push({
        type: 'action',
        id: `action:${a}:${i.id}`,
        label: `${actionLabel[a]} ${i.name}`,
        keywords: words,
        icon: a,
        instance: i,
        action: a,
        confirm: asksFirst(a) ? a : null,
        disabledReason: busy ?? actionDenied(me, i, a),
      });
    }
  }
  return out;
}
