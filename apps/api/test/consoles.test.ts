import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  AuditEvent,
  ConsoleTicket,
  CreatedShareLink,
  Instance,
  Recording,
  SharedConsole,
  ShellSession,
  Task,
} from '@berth/contracts';
import { browserSession } from './browser-session.js';
import { connect, refusal, until, type Opened } from './console-client.js';
import { ADMIN_PASSWORD, startStack, type Stack } from './harness.js';

type ErrorReply = { error: { code: string; message: string } };

/** Seconds a detached shell waits for a re-attach in this file's agent. */
const IDLE_SECONDS = 3;

/** lxc-attach processes of this stack's agent for one container (other stacks may share CT IDs). */
const attachCount = (stack: Stack, ctid: number) => {
  const lxcpath = path.join(stack.agent.dataDir, 'lxc');
  try {
    return execFileSync('pgrep', ['-f', `lxc-attach -P ${lxcpath} -n ${ctid} `], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n').length;
  } catch {
    return 0;
  }
};

describe('consoles through the API: shells, tickets and share links', () => {
  let stack: Stack;
  let ct: Instance;
  let other: Instance;

  async function createStarted(template: string, name: string): Promise<Instance> {
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template,
      name,
    });
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    const instance = res.body.task.result as Instance;
    const start = await stack.call<{ task: Task }>(
      'POST',
      `/api/v1/instances/${instance.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body));
    return instance;
  }

  async function openShell(instance: Instance, headers: Record<string, string> = {}) {
    const res = await stack.call<ShellSession>(
      'POST',
      `/api/v1/instances/${instance.id}/shells`,
      { cols: 100, rows: 30 },
      headers,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  /** Whether a process with exactly this command line runs in the container (read from /proc). */
  async function runs(instance: Instance, cmdline: string): Promise<boolean> {
    const script = `for p in /proc/[0-9]*; do [ "$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)" = "$1 " ] && exit 0; done; exit 1`;
    const res = await stack.call<{ exitCode: number }>(
      'POST',
      `/api/v1/instances/${instance.id}/exec`,
      { command: ['sh', '-c', script, 'sh', cmdline] },
    );
    return res.body.exitCode === 0;
  }

  async function ticket(
    instance: Instance,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    const res = await stack.call<ConsoleTicket>(
      'POST',
      `/api/v1/instances/${instance.id}/console-tickets`,
      body,
      headers,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  async function audit(action: string): Promise<AuditEvent[]> {
    const res = await stack.call<{ items: AuditEvent[] }>(
      'GET',
      '/api/v1/audit?limit=500&collapse=false',
    );
    return res.body.items.filter((e) => e.action === action);
  }

  before(async () => {
    stack = await startStack('consoles', {
      agentEnv: { BERTH_AGENT_SHELL_IDLE_SECONDS: String(IDLE_SECONDS) },
    });
    ct = await createStarted('debian-12', `shell-${process.pid}`);
    other = await createStarted('busybox', `other-${process.pid}`);
  });
  after(async () => stack?.close());

  test('a shell runs bash where the image has it and sh where not, as root', async () => {
    const deb = await openShell(ct);
    assert.equal(deb.program, '/bin/bash');
    assert.equal(deb.user, 'root');
    const bb = await openShell(other);
    assert.equal(bb.program, '/bin/sh');
    for (const [i, s] of [
      [ct, deb],
      [other, bb],
    ] as const) {
      const res = await stack.call('DELETE', `/api/v1/instances/${i.id}/shells/${s.id}`);
      assert.equal(res.status, 204);
    }
  });

  test('shell settings choose the program and user, and bad ones are refused', async () => {
    const bad = await stack.call<ErrorReply>('PATCH', `/api/v1/instances/${ct.id}`, {
      shell: { program: 'bash; rm -rf /' },
    });
    assert.equal(bad.status, 400);
    const set = await stack.call<Instance>('PATCH', `/api/v1/instances/${ct.id}`, {
      shell: { program: '/bin/sh', user: 'nobody' },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.shell, { program: '/bin/sh', user: 'nobody' });
    const shell = await openShell(ct);
    assert.equal(shell.program, '/bin/sh');
    assert.equal(shell.user, 'nobody');
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
    const missing = await stack.call<Instance>('PATCH', `/api/v1/instances/${ct.id}`, {
      shell: { user: 'no-such-user' },
    });
    assert.equal(missing.status, 200);
    const refused = await stack.call<ErrorReply>('POST', `/api/v1/instances/${ct.id}/shells`, {});
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /no user no-such-user/);
    await stack.call('PATCH', `/api/v1/instances/${ct.id}`, {
      shell: { program: null, user: null },
    });
  });

  test('a shell echoes, resizes, and keeps its session and scrollback across a re-attach', async () => {
    const shell = await openShell(ct);
    const first = await ticket(ct, { kind: 'shell', shellId: shell.id });
    const a = await connect(stack, first.path);
    await until('the attached message', () => a.controls.length > 0);
    assert.deepEqual((a.controls[0] as { type: string }).type, 'attached');
    const n = Math.floor(Math.random() * 100_000);
    a.ws.send(Buffer.from(`echo berth-$((${n}+1))\n`));
    await until('the echo', () => a.text().includes(`berth-${n + 1}`));
    a.ws.send(JSON.stringify({ type: 'resize', cols: 123, rows: 45 }));
    a.ws.send(Buffer.from('stty size\n'));
    await until('the new size', () => a.text().includes('45 123'));
    a.ws.close();
    await a.closed;

    const again = await ticket(ct, { kind: 'shell', shellId: shell.id });
    const b = await connect(stack, again.path);
    await until('the scrollback', () => b.text().includes(`berth-${n + 1}`));
    b.ws.send(Buffer.from('echo $$-still-here\n'));
    await until('the same shell', () => /\d+-still-here/.test(b.text()));
    b.ws.close();
    await b.closed;
    assert.ok(attachCount(stack, ct.ctid as number) >= 1, 'the shell waits for a re-attach');

    // Nobody re-attaches: the agent ends it, and no lxc-attach is left behind.
    await until('the idle shell to end', () => attachCount(stack, ct.ctid as number) === 0, 15_000);
    const list = await stack.call<{ items: ShellSession[] }>(
      'GET',
      `/api/v1/instances/${ct.id}/shells`,
    );
    assert.equal(
      list.body.items.some((s) => s.id === shell.id),
      false,
    );
  });

  test('Ctrl+C interrupts the foreground program, and full-screen programs get a terminal', async () => {
    const shell = await openShell(ct);
    const t = await connect(stack, (await ticket(ct, { kind: 'shell', shellId: shell.id })).path);
    t.ws.send(Buffer.from('sleep 300; echo not-interrupted\n'));
    await until('sleep to be the foreground program', () => runs(ct, 'sleep 300'));
    const sent = Date.now();
    t.ws.send(Buffer.from('\x03'));
    t.ws.send(Buffer.from('echo interrupted-$((6*7))\n'));
    await until('the prompt after ^C', () => t.text().includes('interrupted-42'), 5000);
    assert.ok(Date.now() - sent < 5000);
    assert.ok(!t.text().includes('\r\nnot-interrupted'));
    // top draws with the terminal's size and clears the screen: it needs the pty and TERM.
    t.ws.send(Buffer.from('top\n'));
    await until('top to draw', () => t.text().includes('\x1b[H') && /load average/.test(t.text()));
    t.ws.send(Buffer.from('q'));
    t.ws.close();
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
  });

  test('several shells at once are separate ptys', async () => {
    const [s1, s2] = [await openShell(ct), await openShell(ct)];
    const w1 = await connect(stack, (await ticket(ct, { kind: 'shell', shellId: s1.id })).path);
    const w2 = await connect(stack, (await ticket(ct, { kind: 'shell', shellId: s2.id })).path);
    w1.ws.send(Buffer.from('tty\n'));
    w2.ws.send(Buffer.from('tty\n'));
    const t1 = await until('tty 1', () => /\/dev\/pts\/(\d+)/.exec(w1.text())?.[1]);
    const t2 = await until('tty 2', () => /\/dev\/pts\/(\d+)/.exec(w2.text())?.[1]);
    assert.notEqual(t1, t2);
    w1.ws.send(Buffer.from('exit\n'));
    const end = await w1.closed;
    assert.equal(end.code, 1000);
    assert.deepEqual(w1.controls.at(-1), { type: 'exit', exitCode: 0 });
    w2.ws.close();
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${s2.id}`);
  });

  test('tickets: missing, reused, expired, for another instance or kind, or a foreign origin are refused and audited', async () => {
    const shell = await openShell(ct);
    const base = `/api/v1/instances/${ct.id}/console/shell`;
    const noTicket = await refusal(connect(stack, base));
    assert.equal(noTicket.code, 4401);
    assert.match(noTicket.message, /needs a ticket/);

    const t = await ticket(ct, { kind: 'shell', shellId: shell.id });
    const used = await connect(stack, t.path);
    used.ws.close();
    const reused = await refusal(connect(stack, t.path));
    assert.equal(reused.code, 4401);
    assert.match(reused.message, /used already/);

    const stale = await ticket(ct, { kind: 'shell', shellId: shell.id });
    await stack.db.consoleTicket.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await refusal(connect(stack, stale.path));
    assert.equal(expired.code, 4401);
    assert.match(expired.message, /expired/);

    const elsewhere = await ticket(ct, { kind: 'shell', shellId: shell.id });
    const wrongInstance = await refusal(connect(stack, elsewhere.path.replace(ct.id, other.id)));
    assert.equal(wrongInstance.code, 4403);
    assert.match(wrongInstance.message, /another instance/);

    const foreign = await ticket(ct, { kind: 'shell', shellId: shell.id });
    const fromElsewhere = await refusal(connect(stack, foreign.path, 'http://evil.example'));
    assert.equal(fromElsewhere.code, 4403);
    assert.match(fromElsewhere.message, /cannot be opened from http:\/\/evil.example/);
    // The refused ticket was never spent: from the right origin it still works once.
    (await connect(stack, foreign.path)).ws.close();

    const unknown = await refusal(connect(stack, `${base}?ticket=made-up`));
    assert.equal(unknown.code, 4401);

    const wrongKind = await stack.call<ErrorReply>(
      'POST',
      `/api/v1/instances/${ct.id}/console-tickets`,
      { kind: 'vnc' },
    );
    assert.equal(wrongKind.status, 400);
    const noShellId = await stack.call<ErrorReply>(
      'POST',
      `/api/v1/instances/${ct.id}/console-tickets`,
      { kind: 'shell' },
    );
    assert.equal(noShellId.status, 400);

    const refused = await audit('console.refused');
    assert.ok(refused.length >= 6, `refusals audited: ${refused.length}`);
    assert.ok(refused.every((e) => e.outcome === 'denied'));
    const opened = await audit('console.open');
    const closed = await until('close audit rows', async () =>
      (await audit('console.close')).length >= 2 ? audit('console.close') : null,
    );
    assert.ok(opened.length >= 2);
    assert.equal((closed[0]?.detail as { kind: string }).kind, 'shell');
    assert.match(opened[0]?.actor ?? '', /admin/);
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
  });

  // Issue 11, finding 8: one user opened 1,000 WebSockets onto one shell.
  test('caps: a ninth viewer of a shell and a 21st console of a user are refused with 4429 and why', async (t) => {
    // Each shell is opened just before its first viewer: a shell nobody attaches to ends after
    // IDLE_SECONDS, and a slow machine takes longer than that for a dozen attaches.
    const shells: ShellSession[] = [];
    const open: Opened[] = [];
    // Ended even when an assertion fails, so the later tests' count of lxc-attach starts at 0.
    t.after(async () => {
      for (const o of open) o.ws.close();
      for (const shell of shells)
        await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
    });
    const attach = async (shell: ShellSession) =>
      connect(stack, (await ticket(ct, { kind: 'shell', shellId: shell.id })).path);
    shells.push(await openShell(ct));
    for (let i = 0; i < 8; i++) open.push(await attach(shells[0]!));
    const ninth = await refusal(attach(shells[0]!));
    assert.equal(ninth.code, 4429);
    assert.equal(ninth.message, 'too many viewers: 8 on this shell; close one');
    shells.push(await openShell(ct));
    for (let i = 0; i < 8; i++) open.push(await attach(shells[1]!));
    shells.push(await openShell(ct));
    for (let i = 0; i < 4; i++) open.push(await attach(shells[2]!));
    const over = await refusal(attach(shells[2]!));
    assert.equal(over.code, 4429);
    assert.equal(over.message, 'too many consoles: 20 open for you; close one');
    // A closed console frees its place at once.
    open.pop()!.ws.close();
    await until('a place to free', async () => {
      const again = await attach(shells[2]!);
      const code = await Promise.race([
        again.closed.then((c) => c.code),
        new Promise<null>((r) => setTimeout(() => r(null), 300)),
      ]);
      if (code === null) open.push(again);
      return code === null;
    });
    const refused = await audit('console.refused');
    assert.ok(
      refused.some((e) => /too many viewers/.test((e.detail as { reason: string }).reason)),
    );
  });

  test('a recorded shell replays what was typed; without a policy nothing is recorded', async () => {
    const policy = (enabled: boolean) =>
      stack.call('PUT', `/api/v1/recording-policies/instances/${ct.id}`, { enabled });
    const recordings = async () =>
      (await stack.call<{ items: Recording[] }>('GET', `/api/v1/recordings?instanceId=${ct.id}`))
        .body.items;
    assert.equal((await policy(true)).status, 200);
    const shell = await openShell(ct);
    const t = await ticket(ct, { kind: 'shell', shellId: shell.id });
    assert.equal(t.recorded, true);
    const s = await connect(stack, t.path);
    await until('the prompt', () => s.text().length > 0);
    s.ws.send(Buffer.from('echo hello-$((40+2))-recorded\n'));
    await until('the echo', () => s.text().includes('hello-42-recorded'));
    s.ws.close();
    const [rec] = await until('the recording to end', async () => {
      const items = await recordings();
      return items.length === 1 && items[0]!.endedAt ? items : null;
    });
    assert.equal(rec!.kind, 'shell');
    assert.equal(rec!.format, 'asciicast-v2');
    assert.equal(rec!.shellId, shell.id);
    assert.match(rec!.actor, /admin/);
    assert.ok(rec!.bytes > 0);

    // Found from the audit row of its session, as the audit page does.
    const opened = (await audit('console.open')).find(
      (e) => (e.detail as { shellId?: string }).shellId === shell.id,
    );
    assert.equal(rec!.auditId, opened?.id);
    const byAudit = await stack.call<{ items: Recording[] }>(
      'GET',
      `/api/v1/recordings?auditId=${opened?.id}`,
    );
    assert.deepEqual(
      byAudit.body.items.map((r) => r.id),
      [rec!.id],
    );
    const closed = await until('the close row', async () =>
      (await audit('console.close')).find(
        (e) => (e.detail as { recording?: { id: string } }).recording?.id === rec!.id,
      ),
    );
    assert.deepEqual((closed.detail as { recording: unknown }).recording, {
      id: rec!.id,
      stopped: null,
    });

    const res = await fetch(`${stack.baseUrl}/api/v1/recordings/${rec!.id}/cast`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /asciicast/);
    const [head, ...lines] = (await res.text()).trimEnd().split('\n');
    const header = JSON.parse(head!) as { version: number; width: number; height: number };
    assert.deepEqual([header.version, header.width, header.height], [2, 100, 30]);
    const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
    const typed = events
      .filter((e) => e[1] === 'i')
      .map((e) => e[2])
      .join('');
    const shown = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    assert.equal(typed, 'echo hello-$((40+2))-recorded\n');
    // 42 is only in what the shell printed: the typed line says $((40+2)).
    assert.match(shown, /hello-42-recorded\r/);

    assert.equal((await policy(false)).status, 200);
    const t2 = await ticket(ct, { kind: 'shell', shellId: shell.id });
    assert.equal(t2.recorded, false);
    const s2 = await connect(stack, t2.path);
    s2.ws.send(Buffer.from('echo not-recorded\n'));
    await until('the echo', () => s2.text().includes('not-recorded'));
    s2.ws.close();
    await s2.closed;
    await until('the close row', async () =>
      (await audit('console.close')).some(
        (e) =>
          (e.detail as { recorded?: boolean }).recorded === false &&
          (e.detail as { shellId?: string }).shellId === shell.id,
      ),
    );
    assert.equal((await recordings()).length, 1);
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
  });

  /** A fresh browser-style login: the headers that make stack.call use its cookie. */
  async function loginSession() {
    const login = await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    return { authorization: '', ...browserSession(login, stack.baseUrl) };
  }

  test('a session that expires ends its consoles and shells within the sweep', async () => {
    const asSession = await loginSession();
    const shell = await openShell(ct, asSession);
    const open = await connect(
      stack,
      (await ticket(ct, { kind: 'shell', shellId: shell.id }, asSession)).path,
    );
    const sessions = await stack.db.session.findMany({ orderBy: { createdAt: 'desc' }, take: 1 });
    await stack.db.session.update({
      where: { id: sessions[0]!.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const closed = await Promise.race([
      open.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 25_000)),
    ]);
    assert.equal(closed?.code, 4401, 'closed by the sweep');
    await until('the shell to end', () => attachCount(stack, ct.ctid as number) === 0);
  });

  test("logging out ends that login's consoles and shells", async () => {
    const asSession = await loginSession();
    const shell = await openShell(ct, asSession);
    const t = await ticket(ct, { kind: 'shell', shellId: shell.id }, asSession);
    const open = await connect(stack, t.path);
    const spare = await ticket(ct, { kind: 'shell', shellId: shell.id }, asSession);
    await fetch(`${stack.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: asSession });
    const closed = await open.closed;
    assert.equal(closed.code, 4401);
    const late = await refusal(connect(stack, spare.path));
    assert.equal(late.code, 4401);
    await until('the shell to end', () => attachCount(stack, ct.ctid as number) === 0);
  });

  test('share links: view-only cannot type, interactive can, revoking ends them; all audited', async () => {
    const shell = await openShell(ct);
    const operator = await connect(
      stack,
      (await ticket(ct, { kind: 'shell', shellId: shell.id })).path,
    );
    const make = async (mode: string) => {
      const res = await stack.call<CreatedShareLink>(
        'POST',
        `/api/v1/instances/${ct.id}/share-links`,
        { kind: 'shell', shellId: shell.id, mode, expiresInMinutes: 5 },
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.url, `/share/#${res.body.token}`);
      return res.body;
    };
    const redeem = async (token: string) =>
      fetch(`${stack.baseUrl}/api/v1/share/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });

    const view = await make('view');
    const viewGrant = (await (await redeem(view.token)).json()) as SharedConsole;
    assert.equal(viewGrant.viewOnly, true);
    assert.equal(viewGrant.instance.name, ct.name);
    const watcher = await connect(stack, viewGrant.path);
    watcher.ws.send(Buffer.from('touch /tmp/viewer-was-here\n'));
    operator.ws.send(Buffer.from('echo operator-typed\n'));
    await until('the watcher to see the operator', () => watcher.text().includes('operator-typed'));
    const check = await stack.call<{ exitCode: number }>(
      'POST',
      `/api/v1/instances/${ct.id}/exec`,
      { command: ['test', '-e', '/tmp/viewer-was-here'] },
    );
    assert.equal(check.body.exitCode, 1, 'view-only input must not reach the shell');

    const interactive = await make('interactive');
    const helperGrant = (await (await redeem(interactive.token)).json()) as SharedConsole;
    const helper = await connect(stack, helperGrant.path);
    helper.ws.send(Buffer.from('echo helper-$((2+3))\n'));
    await until('the helper to type', () => operator.text().includes('helper-5'));

    const links = await stack.call<{ items: Array<{ id: string; uses: number }> }>(
      'GET',
      `/api/v1/instances/${ct.id}/share-links`,
    );
    assert.equal(links.body.items.find((l) => l.id === view.id)?.uses, 1);

    const revoke = await stack.call('DELETE', `/api/v1/share-links/${view.id}`);
    assert.equal(revoke.status, 204);
    // The viewer hears that the link is over, not that some session of theirs ended.
    assert.deepEqual(await watcher.closed, { code: 4401, reason: 'this share link was revoked' });
    const gone = await redeem(view.token);
    assert.equal(gone.status, 410);
    assert.equal((await redeem('not-a-link')).status, 401);

    const uses = await audit('share.use');
    assert.equal(uses.length, 4);
    assert.equal(uses.filter((u) => u.outcome === 'success').length, 2);
    const opens = await audit('console.open');
    assert.ok(opens.some((e) => /share link/.test(e.actor)));
    for (const ws of [helper.ws, operator.ws]) ws.close();
    await stack.call('DELETE', `/api/v1/instances/${ct.id}/shells/${shell.id}`);
  });
});
