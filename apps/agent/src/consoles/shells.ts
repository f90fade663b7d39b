import { randomUUID } from 'node:crypto';
import type { IPty } from 'node-pty';
import type { WebSocket } from 'ws';
import {
  ShellClientMessage,
  type ShellServerMessage,
  type ShellSession,
  type TerminalSize,
  notFound,
} from '@berth/contracts';
import type { Lxc } from '../drivers/lxc/lxc.js';
import type { Log } from '../log.js';
import { openPty } from '../run.js';
import { descendants } from './process-tree.js';
import { Scrollback } from './scrollback.js';
import type { ShellTarget } from './shell-target.js';

const SCROLLBACK_BYTES = 256 * 1024;
/** Output waiting in one WebSocket past this stops reading the pty until it drains. */
const HIGH_WATER = 4 * 1024 * 1024;
/** After SIGHUP, what is still alive in the shell's tree this long after is killed. */
const KILL_GRACE_MS = 2000;

export interface ShellOwner {
  ownerId: string | null;
  /** An opaque tag for the login that opened it, so logging out can end exactly those shells. */
  login: string | null;
}

interface Session {
  info: ShellSession;
  ctid: number;
  owner: ShellOwner;
  pty: IPty;
  scrollback: Scrollback;
  clients: Set<WebSocket>;
  idleTimer: NodeJS.Timeout | null;
  paused: boolean;
  exited: Promise<void>;
}

/**
 * Interactive shells in containers: lxc-attach on a pty owned by the agent. A session outlives
 * its WebSockets so a reload or a network blip can re-attach (with scrollback); one nobody
 * re-attaches to within `idleMs` is ended, with every process it started.
 */
export class Shells {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly lxc: Lxc,
    private readonly idleMs: number,
    private readonly log: Log,
  ) {}

  open(
    instance: { id: string; ctid: number },
    target: ShellTarget,
    size: TerminalSize,
    owner: ShellOwner,
  ): ShellSession {
    const pty = openPty(
      'lxc-attach',
      this.lxc.attachArgs(instance.ctid, [target.program, '-l'], target),
      size,
    );
    const session: Session = {
      info: {
        id: randomUUID(),
        instanceId: instance.id,
        program: target.program,
        user: target.user,
        cols: size.cols,
        rows: size.rows,
        createdAt: new Date().toISOString(),
        attached: 0,
        detachedAt: new Date().toISOString(),
        ownerId: owner.ownerId,
      },
      ctid: instance.ctid,
      owner,
      pty,
      scrollback: new Scrollback(SCROLLBACK_BYTES),
      clients: new Set(),
      idleTimer: null,
      paused: false,
      exited: new Promise((resolve) =>
        pty.onExit(({ exitCode, signal }) => {
          this.exited(session, signal ? null : exitCode);
          resolve();
        }),
      ),
    };
    this.sessions.set(session.info.id, session);
    pty.onData((data) => this.output(session, data as unknown as Buffer));
    this.armIdleTimer(session);
    return { ...session.info };
  }

  list(filter: { instanceId?: string; ownerId?: string }): ShellSession[] {
    return [...this.sessions.values()]
      .filter(
        (s) =>
          (!filter.instanceId || s.info.instanceId === filter.instanceId) &&
          (!filter.ownerId || s.info.ownerId === filter.ownerId),
      )
      .map((s) => ({ ...s.info }));
  }

  get(instanceId: string, id: string): ShellSession {
    return { ...this.session(instanceId, id).info };
  }

  /**
   * Replays the scrollback, then streams; binary frames are keystrokes, text frames control.
   * Synchronous, so no frame the client sends right after opening can arrive before the listener.
   */
  attach(instanceId: string, id: string, ws: WebSocket): void {
    const session = this.session(instanceId, id);
    if (session.idleTimer) clearTimeout(session.idleTimer);
    session.idleTimer = null;
    session.clients.add(ws);
    session.info.attached = session.clients.size;
    session.info.detachedAt = null;
    this.control(ws, { type: 'attached', session: { ...session.info } });
    const replay = session.scrollback.contents();
    if (replay.length > 0) ws.send(replay, { binary: true });

    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        session.pty.write(data as unknown as string);
        return;
      }
      const parsed = ShellClientMessage.safeParse(safeJson(String(data)));
      if (!parsed.success) {
        ws.close(4400, 'unknown control message');
        return;
      }
      session.pty.resize(parsed.data.cols, parsed.data.rows);
      session.info.cols = parsed.data.cols;
      session.info.rows = parsed.data.rows;
    });
    ws.on('close', () => {
      session.clients.delete(ws);
      session.info.attached = session.clients.size;
      this.resumeIfDrained(session);
      if (session.clients.size === 0 && this.sessions.has(session.info.id)) {
        session.info.detachedAt = new Date().toISOString();
        this.armIdleTimer(session);
      }
    });
  }

  async end(instanceId: string, id: string): Promise<void> {
    await this.kill(this.session(instanceId, id));
  }

  /** Ends the shells a login opened (on logout), or all of one container's (when it stops). */
  async endWhere(filter: { login?: string; instanceId?: string }): Promise<number> {
    const doomed = [...this.sessions.values()].filter(
      (s) =>
        (filter.login === undefined || s.owner.login === filter.login) &&
        (filter.instanceId === undefined || s.info.instanceId === filter.instanceId),
    );
    await Promise.all(doomed.map((s) => this.kill(s)));
    return doomed.length;
  }

  async close(): Promise<void> {
    await this.endWhere({});
  }

  /** `instance` is the container's UUID or CT ID. */
  private session(instance: string, id: string): Session {
    const session = this.sessions.get(id);
    if (!session || (session.info.instanceId !== instance && String(session.ctid) !== instance)) {
      throw notFound(`shell session ${id} (it may have ended)`);
    }
    return session;
  }

  private output(session: Session, data: Buffer): void {
    session.scrollback.push(data);
    for (const ws of session.clients) {
      ws.send(data, { binary: true }, () => this.resumeIfDrained(session));
      if (ws.bufferedAmount > HIGH_WATER && !session.paused) {
        session.paused = true;
        session.pty.pause();
      }
    }
  }

  private resumeIfDrained(session: Session): void {
    if (!session.paused) return;
    for (const ws of session.clients) if (ws.bufferedAmount > HIGH_WATER / 2) return;
    session.paused = false;
    session.pty.resume();
  }

  private armIdleTimer(session: Session): void {
    session.idleTimer = setTimeout(() => {
      this.log.info(
        { shellId: session.info.id, idleMs: this.idleMs },
        'nobody re-attached to the shell in time; ending it',
      );
      void this.kill(session).catch((err: Error) =>
        this.log.warn({ shellId: session.info.id, err: err.message }, 'ending the shell failed'),
      );
    }, this.idleMs);
    session.idleTimer.unref();
  }

  /**
   * Hangs up the terminal like a closed ssh session would, then kills whatever in the shell's
   * process tree ignored the hangup (nohup, background jobs), so nothing is left in the container.
   */
  private async kill(session: Session): Promise<void> {
    if (!this.sessions.has(session.info.id)) return;
    const tree = [session.pty.pid, ...(await descendants(session.pty.pid))];
    session.pty.kill('SIGHUP');
    await Promise.race([session.exited, new Promise((r) => setTimeout(r, KILL_GRACE_MS))]);
    for (const pid of tree) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }

  private exited(session: Session, exitCode: number | null): void {
    if (session.idleTimer) clearTimeout(session.idleTimer);
    this.sessions.delete(session.info.id);
    for (const ws of session.clients) {
      this.control(ws, { type: 'exit', exitCode });
      ws.close(1000, 'the shell ended');
    }
  }

  private control(ws: WebSocket, msg: ShellServerMessage): void {
    ws.send(JSON.stringify(msg));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
