'use client';
import type { ReactNode } from 'react';
import { whyNot, type Instance } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { can } from '@/lib/can';
import { stateText } from '@/components/ui/StateBadge';
import { ContainerShells } from '@/components/console/ContainerShells';
import { VmConsole, type VmView } from '@/components/console/VmConsole';

/** What to do about a state without a console (the contracts' table decides which those are). */
const remedy: Partial<Record<Instance['state'], string>> = {
  stopped: 'Start it to use its console.',
  suspended: 'It is suspended to disk: resume it to use the console.',
  frozen: 'Resume it to use its console.',
  starting: 'The console opens once it is running.',
  stopping: 'It is shutting down.',
};

function NoConsole({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-line bg-surface p-8 text-center">
      <p className="font-medium">{title}</p>
      {children && <p className="mt-1 text-sm text-muted">{children}</p>}
    </div>
  );
}

/**
 * The Console tab: a VM's screen or serial port, a container's shells; for anything not
 * running, why there is no console. `popout` fills a window of its own.
 */
export function InstanceConsole({
  instance,
  popout,
  view,
}: {
  instance: Instance;
  popout?: boolean;
  view?: VmView;
}) {
  // The console components size themselves to the window's height left (useFillViewport).
  const frameClass = 'min-h-0 flex-1';
  const me = useMe().data;
  if (whyNot(instance.kind, 'console', instance.state) !== null) {
    return (
      <NoConsole title={`${instance.name} is ${stateText(instance.state)}: no console.`}>
        {remedy[instance.state]}
      </NoConsole>
    );
  }
  if (instance.kind === 'ct' && !can(me, 'instance.console', instance)) {
    return (
      <NoConsole title="Shells are for operators">
        A shell can change the container; it needs instance.console, which you do not have here.
      </NoConsole>
    );
  }
  return instance.kind === 'vm' ? (
    <VmConsole instance={instance} initialView={view} frameClass={frameClass} popout={popout} />
  ) : (
    <ContainerShells instance={instance} frameClass={frameClass} popout={popout} />
  );
}
