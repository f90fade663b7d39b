'use client';
import { useCallback, useRef, useState } from 'react';
import { LOGIN_HINTS, TemplateName, type Instance } from '@berth/contracts';
import { createConsoleTicket } from '@/api/consoles';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { PopOutButton } from './PopOutButton';
import { ShareButton } from './ShareDialog';
import { TerminalConsole } from './TerminalConsole';
import { useFillViewport } from './useFillViewport';
import { VncConsole } from './VncConsole';

export type VmView = 'screen' | 'serial';

/** How to log in on a VM made from a built-in template (its first disk's), if it says. */
function loginHint(instance: Instance): string | null {
  const t = TemplateName.safeParse(instance.vm?.disks[0]?.template ?? instance.template);
  return t.success ? LOGIN_HINTS[t.data] : null;
}

/** A running VM's consoles: its screen (noVNC) or its serial port (xterm), one at a time. */
export function VmConsole({
  instance,
  initialView = 'screen',
  frameClass,
  popout,
}: {
  instance: Instance;
  initialView?: VmView;
  frameClass: string;
  /** In the pop-out window already: no second pop-out button. */
  popout?: boolean;
}) {
  const [view, setView] = useState<VmView>(initialView);
  const box = useRef<HTMLDivElement>(null);
  useFillViewport(box);
  const hint = loginHint(instance);
  // Without instance.console here one may watch, not type (the API gives view-only tickets only).
  const me = useMe().data;
  const viewOnly = !can(me, 'instance.console', instance);
  const mayShare = can(me, 'instance.share', instance);
  const screenTicket = useCallback(
    () => createConsoleTicket(instance.id, { kind: 'vnc', viewOnly }),
    [instance.id, viewOnly],
  );
  const serialTicket = useCallback(
    () => createConsoleTicket(instance.id, { kind: 'serial', viewOnly }),
    [instance.id, viewOnly],
  );
  const controls = (
    <>
      {mayShare && (
        <ShareButton
          instanceId={instance.id}
          instanceName={instance.name}
          target={
            view === 'screen'
              ? { kind: 'vnc', label: 'the screen' }
              : { kind: 'serial', label: 'the serial console' }
          }
        />
      )}
      {!popout && <PopOutButton instanceId={instance.id} view={view} />}
    </>
  );

  return (
    <div ref={box} className="flex min-h-0 flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3">
        <div
          role="group"
          aria-label="Console view"
          className="inline-flex self-start rounded-md border border-line p-0.5"
        >
          {(
            [
              ['screen', 'Screen'],
              ['serial', 'Serial'],
            ] as const
          ).map(([v, text]) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              className={`rounded px-3 py-1 text-sm font-medium ${
                view === v
                  ? 'bg-sky-700 text-white'
                  : 'text-muted hover:bg-slate-100 hover:text-fg dark:hover:bg-slate-800'
              }`}
            >
              {text}
            </button>
          ))}
        </div>
        {hint && (
          <p className="text-sm text-muted">
            Log in as <span className="font-medium text-fg">{hint}</span>
          </p>
        )}
      </div>
      {view === 'screen' ? (
        <VncConsole
          getTicket={screenTicket}
          label={`Screen of ${instance.name}`}
          viewOnly={viewOnly}
          controls={controls}
          className={frameClass}
        />
      ) : (
        <TerminalConsole
          kind="serial"
          getTicket={serialTicket}
          label={`Serial console of ${instance.name}`}
          readOnly={viewOnly}
          controls={controls}
          className={frameClass}
        />
      )}
    </div>
  );
}
