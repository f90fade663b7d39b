'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ShellServerMessage, ShellSession, TerminalSize } from '@berth/contracts';
import type { Terminal } from '@xterm/xterm';
import { Button } from '@/components/ui/Button';
import { ConsoleFrame, ConsoleOverlay } from './ConsoleFrame';
import {
  connectConsole,
  type ConsoleConnection,
  type ConsoleStatus,
  type TicketSource,
} from './connection';

const loadXterm = () => import('./xtermBundle');

/** A dark terminal in both themes: ANSI colours are made for a dark background. */
export const TERMINAL_THEME = {
  background: '#0b0f17',
  foreground: '#d7dde8',
  cursor: '#7dd3fc',
  selectionBackground: '#33507a',
  black: '#1e2430',
  red: '#f87171',
  green: '#4ade80',
  yellow: '#facc15',
  blue: '#60a5fa',
  magenta: '#c084fc',
  cyan: '#22d3ee',
  white: '#d7dde8',
  brightBlack: '#64748b',
  brightRed: '#fca5a5',
  brightGreen: '#86efac',
  brightYellow: '#fde047',
  brightBlue: '#93c5fd',
  brightMagenta: '#d8b4fe',
  brightCyan: '#67e8f9',
  brightWhite: '#f8fafc',
};

function parseControl(text: string): ShellServerMessage | null {
  try {
    const m = JSON.parse(text) as ShellServerMessage;
    return m.type === 'attached' || m.type === 'exit' ? m : null;
  } catch {
    return null;
  }
}

/**
 * A terminal in xterm.js over a console WebSocket: a container's shell (binary frames for
 * bytes, JSON text frames for attach/resize/exit) or a VM's serial port (bytes only). It
 * follows its element's size, and reconnects on its own after a drop.
 */
export function TerminalConsole({
  getTicket,
  kind,
  label,
  readOnly = false,
  active = true,
  controls,
  onAttached,
  onSize,
  onStatus,
  exitActions,
  className,
}: {
  getTicket: TicketSource;
  kind: 'shell' | 'serial';
  label: string;
  readOnly?: boolean;
  /** False while hidden behind another tab: no fitting to a zero-sized box. */
  active?: boolean;
  controls?: ReactNode;
  onAttached?: (session: ShellSession) => void;
  onSize?: (size: TerminalSize) => void;
  /** Told of each connection status (the share page's header follows a revoked link). */
  onStatus?: (status: ConsoleStatus) => void;
  /** Offered when the shell has exited (e.g. "New shell"). */
  exitActions?: ReactNode;
  className?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const fit = useRef<(() => void) | null>(null);
  const conn = useRef<ConsoleConnection | null>(null);
  const [status, setStatus] = useState<ConsoleStatus>({ state: 'connecting' });
  const [exit, setExit] = useState<{ code: number | null } | null>(null);
  // Callbacks change identity with every parent render; the socket should not.
  const callbacks = useRef({ onAttached, onSize, onStatus });
  callbacks.current = { onAttached, onSize, onStatus };

  useEffect(() => {
    const el = host.current!;
    let stopped = false;
    const disposers: (() => void)[] = [];
    void loadXterm().then(
      ({ Terminal, FitAddon }) => {
        if (stopped) return;
        const t = new Terminal({
          theme: TERMINAL_THEME,
          fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
          fontSize: 14,
          scrollback: 5000,
          cursorBlink: !readOnly,
          disableStdin: readOnly,
          convertEol: false,
        });
        const fitAddon = new FitAddon();
        t.loadAddon(fitAddon);
        t.open(el);
        term.current = t;
        disposers.push(() => t.dispose());
        fit.current = () => {
          // A hidden tab has no size; fitting it would shrink the remote terminal to nothing.
          if (el.clientWidth > 0 && el.clientHeight > 0) fitAddon.fit();
        };
        fit.current();

        let ws: WebSocket | null = null;
        const encoder = new TextEncoder();
        const sendBytes = (data: Uint8Array) => {
          if (ws?.readyState === WebSocket.OPEN && !readOnly) ws.send(data);
        };
        const sendSize = () => {
          callbacks.current.onSize?.({ cols: t.cols, rows: t.rows });
          if (kind === 'shell' && ws?.readyState === WebSocket.OPEN)
            ws.send(JSON.stringify({ type: 'resize', cols: t.cols, rows: t.rows }));
        };
        const data = t.onData((d) => sendBytes(encoder.encode(d)));
        // Mouse reports in the legacy encoding are bytes, not UTF-8 text.
        const binary = t.onBinary((d) => sendBytes(Uint8Array.from(d, (c) => c.charCodeAt(0))));
        const resized = t.onResize(sendSize);
        disposers.push(() => [data, binary, resized].forEach((d) => d.dispose()));

        // Ctrl+Shift+C / V copy and paste (plain Ctrl+C belongs to the program in the shell).
        t.attachCustomKeyEventHandler((e) => {
          if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
          if (e.code === 'KeyC' && t.hasSelection()) {
            void navigator.clipboard?.writeText(t.getSelection());
            e.preventDefault();
            return false;
          }
          if (e.code === 'KeyV' && !readOnly) {
            void navigator.clipboard?.readText().then((s) => t.paste(s));
            e.preventDefault();
            return false;
          }
          return true;
        });

        const connection = connectConsole({
          getTicket,
          onStatus: (next) => {
            setStatus(next);
            callbacks.current.onStatus?.(next);
          },
          onSocket: (sock) => {
            ws = sock;
            sock.addEventListener('open', () => {
              // The serial port's recent output comes first on every connect: no doubles.
              if (kind === 'serial') {
                t.reset();
                if (!readOnly) t.focus();
              }
              sendSize();
            });
            sock.addEventListener('message', (e: MessageEvent<ArrayBuffer | string>) => {
              if (typeof e.data !== 'string') {
                t.write(new Uint8Array(e.data));
                return;
              }
              const m = parseControl(e.data);
              if (m?.type === 'attached') {
                // The server replays the scrollback next: start from a clean screen.
                t.reset();
                callbacks.current.onAttached?.(m.session);
                sendSize();
                if (!readOnly) t.focus();
              } else if (m?.type === 'exit') {
                setExit({ code: m.exitCode });
                connection.end(
                  `the shell exited${m.exitCode === null ? '' : ` with code ${m.exitCode}`}`,
                );
              }
            });
          },
        });
        conn.current = connection;
        disposers.push(() => connection.stop());

        const ro = new ResizeObserver(() => fit.current?.());
        ro.observe(el);
        disposers.push(() => ro.disconnect());
      },
      (e: unknown) =>
        setStatus({
          state: 'disconnected',
          reason: `the terminal could not be loaded (${e instanceof Error ? e.message : String(e)})`,
        }),
    );
    return () => {
      stopped = true;
      // Reverse order: stop the socket before the terminal it writes to goes away.
      disposers.reverse().forEach((d) => d());
      term.current = null;
      fit.current = null;
      conn.current = null;
    };
  }, [getTicket, kind, readOnly]);

  useEffect(() => {
    if (!active) return;
    fit.current?.();
    if (!readOnly) term.current?.focus();
  }, [active, readOnly]);

  return (
    <ConsoleFrame
      label={label}
      status={status}
      onReconnect={exit ? undefined : () => conn.current?.reconnect()}
      controls={controls}
      className={className}
    >
      {/* The padding sits outside the element xterm fits itself into. */}
      <div className="absolute inset-0 bg-[#0b0f17] p-1.5">
        <div ref={host} className="h-full w-full" />
      </div>
      {exit && (
        <ConsoleOverlay>
          <p className="font-medium">
            Session ended{exit.code === null ? '' : ` (exit code ${exit.code})`}
          </p>
          {exitActions}
        </ConsoleOverlay>
      )}
      {!exit && status.state === 'disconnected' && (
        <ConsoleOverlay>
          <p className="font-medium">The terminal is disconnected</p>
          <p className="text-slate-300">{status.reason}</p>
          <Button size="sm" onClick={() => conn.current?.reconnect()}>
            Reconnect
          </Button>
        </ConsoleOverlay>
      )}
    </ConsoleFrame>
  );
}
