'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Instance, ShellSession, TerminalSize } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { createConsoleTicket } from '@/api/consoles';
import { useMe } from '@/queries/useAuth';
import { useCreateShell, useEndShell, useShells } from '@/queries/useConsoles';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { can } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { formatRelative } from '@/lib/format';
import { toast } from '@/lib/toast';
import { ShareButton } from './ShareDialog';
import { TerminalConsole } from './TerminalConsole';
import { PopOutButton } from './PopOutButton';
import { useFillViewport } from './useFillViewport';

/** A shell open in this browser tab, numbered in the order it was opened. */
interface OpenShell {
  id: string;
  n: number;
}

/**
 * The shells open in this browser tab, per container, survive a reload in sessionStorage
 * (per tab, unlike localStorage): a reload re-attaches to them instead of starting afresh.
 */
const storageKey = (instanceId: string) => `berth-shells:${instanceId}`;

function readOpen(instanceId: string): OpenShell[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(storageKey(instanceId)) ?? '[]');
    return Array.isArray(v)
      ? v.filter(
          (s): s is OpenShell =>
            typeof s === 'object' && typeof s?.id === 'string' && typeof s?.n === 'number',
        )
      : [];
  } catch {
    return [];
  }
}

function writeOpen(instanceId: string, shells: OpenShell[]) {
  sessionStorage.setItem(storageKey(instanceId), JSON.stringify(shells));
}

/** Shells in a running container, as tabs: new, switch, end; each one reconnects on its own. */
export function ContainerShells({
  instance,
  frameClass,
  popout,
}: {
  instance: Instance;
  frameClass: string;
  /** In the pop-out window already: no second pop-out button. */
  popout?: boolean;
}) {
  const live = useShells(instance.id);
  const me = useMe().data;
  const create = useCreateShell(instance.id);
  const end = useEndShell(instance.id);
  const [open, setOpen] = useState<OpenShell[] | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<OpenShell | null>(null);
  const size = useRef<TerminalSize>({ cols: 80, rows: 24 });
  const started = useRef(false);
  const box = useRef<HTMLDivElement>(null);
  useFillViewport(box, open !== null);

  const update = useCallback(
    (f: (o: OpenShell[]) => OpenShell[]) =>
      setOpen((o) => {
        const next = f(o ?? []);
        writeOpen(instance.id, next);
        return next;
      }),
    [instance.id],
  );

  const newShell = useCallback(() => {
    create.mutate(size.current, {
      onSuccess: (s) => {
        update((o) => [...o, { id: s.id, n: Math.max(0, ...o.map((x) => x.n)) + 1 }]);
        setActive(s.id);
      },
      onError: (e) => toast({ tone: 'error', title: 'Cannot open a shell', body: errorText(e) }),
    });
  }, [create, update]);

  // Once the server has said which sessions still exist: re-attach to this tab's, or open one.
  useEffect(() => {
    if (started.current || !live.data) return;
    started.current = true;
    const alive = new Set(live.data.map((s) => s.id));
    const kept = readOpen(instance.id).filter((s) => alive.has(s.id));
    writeOpen(instance.id, kept);
    setOpen(kept);
    setActive(kept[0]?.id ?? null);
    if (kept.length === 0) newShell();
  }, [live.data, instance.id, newShell]);

  /** A shell opened in another tab, or before a reload or crash: a tab here, its scrollback replayed. */
  const attach = (id: string) => {
    update((o) =>
      o.some((x) => x.id === id) ? o : [...o, { id, n: Math.max(0, ...o.map((x) => x.n)) + 1 }],
    );
    setActive(id);
  };

  const close = (s: OpenShell) => {
    const rest = (open ?? []).filter((x) => x.id !== s.id);
    update(() => rest);
    if (active === s.id) setActive(rest[rest.length - 1]?.id ?? null);
  };

  if (live.isError && !open)
    return (
      <ErrorState
        title="The shells could not be listed"
        error={live.error}
        onRetry={() => void live.refetch()}
      />
    );
  if (!open) return <LoadingState label="Opening a shell…" />;

  return (
    <div ref={box} className="flex min-h-0 flex-col gap-2">
      <div className="flex flex-wrap items-center gap-1">
        <ul aria-label="Shells" className="flex flex-wrap gap-1">
          {open.map((s) => (
            <li
              key={s.id}
              className={`flex items-center rounded-md border text-sm ${
                s.id === active
                  ? 'border-sky-600 bg-sky-50 text-sky-900 dark:bg-sky-900/40 dark:text-sky-100'
                  : 'border-line bg-surface text-muted hover:text-fg'
              }`}
            >
              <button
                type="button"
                aria-current={s.id === active ? 'true' : undefined}
                onClick={() => setActive(s.id)}
                className="py-1 pr-1 pl-3 font-medium"
              >
                Shell {s.n}
              </button>
              <button
                type="button"
                aria-label={`End Shell ${s.n}`}
                title={`End Shell ${s.n}`}
                onClick={() => setConfirm(s)}
                className="rounded px-2 py-1 leading-none hover:text-red-700 dark:hover:text-red-300"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <Button size="sm" variant="ghost" busy={create.isPending} onClick={newShell}>
          + New shell
        </Button>
        <RunningShells
          shells={(live.data ?? []).filter((x) => !open.some((o) => o.id === x.id))}
          meId={me?.id}
          onOpen={() => void live.refetch()}
          onAttach={attach}
        />
      </div>

      {open.length === 0 && !create.isPending && (
        <div className="grid place-items-center rounded-lg border border-dashed border-line p-10 text-center text-sm">
          <p className="mb-3 text-muted">No shell is open in this tab.</p>
          <Button variant="primary" onClick={newShell}>
            Open a shell
          </Button>
        </div>
      )}
      {open.map((s) => (
        <ShellPane
          key={s.id}
          instance={instance}
          shell={s}
          active={s.id === active}
          frameClass={frameClass}
          popout={popout}
          onSize={(v) => (size.current = v)}
          onNew={newShell}
          onClose={() => close(s)}
        />
      ))}

      {confirm && (
        <ConfirmDialog
          title={`End Shell ${confirm.n}?`}
          confirmLabel="End shell"
          danger
          busy={end.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() =>
            end.mutate(confirm.id, {
              onSettled: () => setConfirm(null),
              onSuccess: () => close(confirm),
              onError: (e) => {
                // Already gone is as good as ended.
                if (isApiError(e) && e.status === 404) close(confirm);
                else toast({ tone: 'error', title: 'Cannot end the shell', body: errorText(e) });
              },
            })
          }
        >
          The shell and every program started in it are ended.
        </ConfirmDialog>
      )}
    </div>
  );
}

/**
 * The container's shells that are running but not open in this tab (opened in another tab or
 * window, or before a reload or a crash): each can be attached here, its recent output replayed.
 */
function RunningShells({
  shells,
  meId,
  onOpen,
  onAttach,
}: {
  shells: ShellSession[];
  meId: string | undefined;
  onOpen: () => void;
  onAttach: (id: string) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="relative">
      <Button
        size="sm"
        variant="ghost"
        aria-expanded={open}
        onClick={() => {
          if (!open) onOpen();
          setOpen(!open);
        }}
      >
        Running shells ({shells.length})
      </Button>
      {open && (
        <div
          role="region"
          aria-label="Running shells"
          className="absolute left-0 z-20 mt-1 w-[min(28rem,calc(100vw-2rem))] rounded-md border border-line bg-surface p-1 shadow-lg"
        >
          {shells.length === 0 ? (
            <p className="px-2 py-3 text-sm text-muted">
              Every running shell of yours is open in this tab.
            </p>
          ) : (
            <ul className="divide-y divide-line">
              {shells.map((x) => (
                <li key={x.id} className="flex items-center gap-2 px-2 py-1.5 text-sm">
                  <div className="min-w-0 flex-1">
                    <p className="truncate">
                      <span className="font-medium">{x.program}</span> as {x.user}
                      {x.ownerId && x.ownerId !== meId && (
                        <span className="text-muted"> · another user&apos;s</span>
                      )}
                    </p>
                    <p className="text-xs text-muted">
                      opened {formatRelative(x.createdAt)} ·{' '}
                      {x.attached > 0
                        ? `open in ${x.attached} ${x.attached === 1 ? 'window' : 'windows'}`
                        : `detached ${formatRelative(x.detachedAt)}`}
                    </p>
                  </div>
                  <Button
                    size="sm"
                    onClick={() => {
                      onAttach(x.id);
                      setOpen(false);
                    }}
                  >
                    Attach
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function ShellPane({
  instance,
  shell,
  active,
  frameClass,
  popout,
  onSize,
  onNew,
  onClose,
}: {
  instance: Instance;
  shell: OpenShell;
  active: boolean;
  frameClass: string;
  popout?: boolean;
  onSize: (size: TerminalSize) => void;
  onNew: () => void;
  onClose: () => void;
}) {
  const getTicket = useCallback(
    () => createConsoleTicket(instance.id, { kind: 'shell', shellId: shell.id }),
    [instance.id, shell.id],
  );
  const mayShare = can(useMe().data, 'instance.share', instance);
  return (
    <div className={active ? 'flex min-h-0 flex-1 flex-col' : 'hidden'}>
      <TerminalConsole
        kind="shell"
        label={`Shell ${shell.n} of ${instance.name}`}
        getTicket={getTicket}
        active={active}
        onSize={active ? onSize : undefined}
        className={frameClass}
        controls={
          <>
            {mayShare && (
              <ShareButton
                instanceId={instance.id}
                instanceName={instance.name}
                target={{ kind: 'shell', shellId: shell.id, label: `Shell ${shell.n}` }}
              />
            )}
            {!popout && <PopOutButton instanceId={instance.id} />}
          </>
        }
        exitActions={
          <div className="flex justify-center gap-2">
            <Button size="sm" variant="primary" onClick={onNew}>
              New shell
            </Button>
            <Button size="sm" onClick={onClose}>
              Close tab
            </Button>
          </div>
        }
      />
    </div>
  );
}
