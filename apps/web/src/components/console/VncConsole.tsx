'use client';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import {
  keyEvents,
  STICKY_MODIFIERS,
  type KeyPress,
  type StickyModifier,
} from '@/lib/keyboard/typing';
import { Button } from '@/components/ui/Button';
import { ConsoleFrame, ConsoleOverlay } from './ConsoleFrame';
import {
  connectConsole,
  type ConsoleConnection,
  type ConsoleStatus,
  type TicketSource,
} from './connection';
import { ClipboardPanel } from './ClipboardPanel';
import { loadRfb, type Rfb, type RfbClipboardEvent, type RfbSecurityFailureEvent } from './novnc';
import { TypeTextDialog } from './TypeTextDialog';

/** Between two typed keys: QEMU's PS/2 queue is short and a slow (TCG) guest drains it slowly. */
const TYPE_DELAY_MS = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A VM's screen in noVNC: scaled to the space it has, keyboard and mouse to the guest,
 * Ctrl+Alt+Del, latching Ctrl/Alt/Super, typing text key by key. `viewOnly` shows the
 * screen and sends nothing.
 */
export function VncConsole({
  getTicket,
  label,
  viewOnly = false,
  controls,
  onStatus,
  className,
}: {
  getTicket: TicketSource;
  /** Names the console region and the screen, e.g. "Screen of web-1". */
  label: string;
  viewOnly?: boolean;
  /** More buttons for the toolbar (share, pop out). */
  controls?: ReactNode;
  /** Told of each connection status (the share page's header follows a revoked link). */
  onStatus?: (status: ConsoleStatus) => void;
  className?: string;
}) {
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<Rfb | null>(null);
  const conn = useRef<ConsoleConnection | null>(null);
  const [status, setStatus] = useState<ConsoleStatus>({ state: 'connecting' });
  // A parent's callback changes identity with every render; the socket should not.
  const told = useRef(onStatus);
  told.current = onStatus;
  // The socket can be open before the RFB handshake is through: connected means both.
  const [rfbUp, setRfbUp] = useState(false);
  const [held, setHeld] = useState<ReadonlySet<StickyModifier>>(new Set());
  const [typing, setTyping] = useState(false);
  const [clipboardOpen, setClipboardOpen] = useState(false);
  const [guestText, setGuestText] = useState<string | null>(null);

  useEffect(() => {
    const target = screen.current!;
    let stopped = false;
    let connection: ConsoleConnection | null = null;
    void loadRfb().then(
      (RFB) => {
        if (stopped) return;
        connection = connectConsole({
          getTicket,
          onStatus: (next) => {
            setStatus(next);
            told.current?.(next);
          },
          onSocket: (ws) => {
            rfb.current?.disconnect();
            setRfbUp(false);
            // QEMU lets go of every key when a client leaves, so the latches start released.
            setHeld(new Set());
            const r = new RFB(target, ws, { shared: true });
            r.scaleViewport = true;
            r.resizeSession = false;
            r.viewOnly = viewOnly;
            r.background = '#000';
            r.addEventListener('connect', () => {
              setRfbUp(true);
              if (!viewOnly) r.focus({ preventScroll: true });
            });
            r.addEventListener('disconnect', () => {
              if (rfb.current === r) rfb.current = null;
              setRfbUp(false);
            });
            r.addEventListener('clipboard', (e) =>
              setGuestText((e as RfbClipboardEvent).detail.text),
            );
            r.addEventListener('securityfailure', (e) => {
              const d = (e as RfbSecurityFailureEvent).detail;
              connection?.end(`the VNC server refused: ${d.reason ?? `status ${d.status}`}`);
            });
            rfb.current = r;
          },
        });
        conn.current = connection;
      },
      (e: unknown) =>
        setStatus({
          state: 'disconnected',
          reason: `the console could not be loaded (${e instanceof Error ? e.message : String(e)})`,
        }),
    );
    return () => {
      stopped = true;
      connection?.stop();
      rfb.current?.disconnect();
      rfb.current = null;
      conn.current = null;
    };
  }, [getTicket, viewOnly]);

  const send = useCallback((keysym: number, code: string, down: boolean) => {
    rfb.current?.sendKey(keysym, code, down);
  }, []);

  const releaseHeld = useCallback(() => {
    for (const m of STICKY_MODIFIERS) if (held.has(m.id)) send(m.keysym, m.code, false);
    setHeld(new Set());
  }, [held, send]);

  const toggle = (id: StickyModifier) => {
    const m = STICKY_MODIFIERS.find((x) => x.id === id)!;
    const on = !held.has(id);
    send(m.keysym, m.code, on);
    setHeld((h) => {
      const n = new Set(h);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
    rfb.current?.focus({ preventScroll: true });
  };

  // Latched modifiers apply to the next key pressed on the screen, then let go (like sticky
  // keys). noVNC stops the key events at the canvas, so listen on the way down.
  useEffect(() => {
    const el = screen.current;
    if (!el || held.size === 0) return;
    const onKeyUp = (e: KeyboardEvent) => {
      if (['Control', 'Alt', 'Meta', 'Shift', 'AltGraph', 'OS'].includes(e.key)) return;
      // After noVNC has sent this key's release.
      setTimeout(releaseHeld, 0);
    };
    el.addEventListener('keyup', onKeyUp, true);
    return () => el.removeEventListener('keyup', onKeyUp, true);
  }, [held, releaseHeld]);

  const typeKeys = async (
    presses: KeyPress[],
    signal: AbortSignal,
    onProgress: (done: number) => void,
  ) => {
    // Latched modifiers must not turn typed text into shortcuts.
    releaseHeld();
    for (let i = 0; i < presses.length; i++) {
      if (signal.aborted || !rfb.current) return;
      for (const e of keyEvents(presses[i]!)) send(e.keysym, e.code, e.down);
      onProgress(i + 1);
      await sleep(TYPE_DELAY_MS);
    }
  };

  const connected = status.state === 'connected' && rfbUp;
  const shown: ConsoleStatus =
    status.state === 'connected' && !rfbUp ? { state: 'connecting' } : status;
  const offline = connected ? null : 'the console is not connected';

  return (
    <ConsoleFrame
      label={label}
      status={shown}
      onReconnect={() => conn.current?.reconnect()}
      className={className}
      controls={
        <>
          {!viewOnly && (
            <>
              <Button
                size="sm"
                disabledReason={offline}
                onClick={() => {
                  rfb.current?.sendCtrlAltDel();
                  rfb.current?.focus({ preventScroll: true });
                }}
              >
                Ctrl+Alt+Del
              </Button>
              <div role="group" aria-label="Latching modifier keys" className="flex gap-1">
                {STICKY_MODIFIERS.map((m) => (
                  <Button
                    key={m.id}
                    size="sm"
                    aria-pressed={held.has(m.id)}
                    title={`Hold ${m.label} for the next key`}
                    disabledReason={offline}
                    onClick={() => toggle(m.id)}
                    className={
                      held.has(m.id)
                        ? 'border-sky-700 bg-sky-100 text-sky-900 hover:bg-sky-200 dark:bg-sky-900/60 dark:text-sky-100 dark:hover:bg-sky-900'
                        : ''
                    }
                  >
                    {m.label}
                  </Button>
                ))}
              </div>
              <Button size="sm" disabledReason={offline} onClick={() => setTyping(true)}>
                Type text…
              </Button>
            </>
          )}
          <Button
            size="sm"
            aria-pressed={clipboardOpen}
            aria-controls={clipboardOpen ? 'vnc-clipboard' : undefined}
            onClick={() => setClipboardOpen(!clipboardOpen)}
          >
            Clipboard
          </Button>
          {controls}
        </>
      }
    >
      <div
        ref={screen}
        role="application"
        aria-label={label}
        aria-roledescription="remote screen"
        className="absolute inset-0"
      />
      {status.state === 'disconnected' && (
        <ConsoleOverlay>
          <p className="font-medium">The screen is disconnected</p>
          <p className="text-slate-300">{status.reason}</p>
          <Button size="sm" onClick={() => conn.current?.reconnect()}>
            Reconnect
          </Button>
        </ConsoleOverlay>
      )}
      {clipboardOpen && (
        <ClipboardPanel
          id="vnc-clipboard"
          guestText={guestText}
          onPaste={viewOnly ? null : () => setTyping(true)}
          pasteDisabledReason={offline}
          onClose={() => {
            setClipboardOpen(false);
            rfb.current?.focus({ preventScroll: true });
          }}
        />
      )}
      {typing && (
        <TypeTextDialog
          onClose={() => {
            setTyping(false);
            rfb.current?.focus({ preventScroll: true });
          }}
          type={typeKeys}
        />
      )}
    </ConsoleFrame>
  );
}
