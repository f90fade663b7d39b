/**
 * Snapshot speed, one section per kind, each beside what the host does by hand in the same run.
 *
 * Containers: see ctSection.
 *
 * VMs: how long a running 256 MiB tiny guest is paused for a snapshot with memory taken through
 * the API, beside a raw HMP `savevm` on the same VM (the agent stopped, so the bench holds QMP).
 * The pause is read from the guest itself: its clock stands still while QEMU is paused, so the
 * guest's clock falls behind the host's by exactly the pause (guest-get-time over the guest
 * agent's socket, before and after). The raw run cross-checks it with QMP's STOP/RESUME events.
 *
 *   node --import tsx bench/snapshots.ts [rounds] [ct|vm]
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Instance } from '@berth/contracts';
import { GuestAgent } from '@berth/agent/guest-agent';
import { startStack, type Stack } from '@berth/api/harness';
import { median, ok, timed } from './lib.js';

const rounds = Number(process.argv[2] ?? 3);
/** `ct` or `vm` runs one section; both when absent. */
const only = process.argv[3];
const run = promisify(execFile);

/** A line-delimited JSON monitor (QMP or the guest agent): one request at a time, events aside. */
class Monitor {
  private buffer = '';
  private waiting: ((msg: Record<string, unknown>) => void) | null = null;
  readonly events: Array<{ event: string; at: number }> = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (typeof msg.event === 'string') {
          const ts = msg.timestamp as { seconds: number; microseconds: number };
          this.events.push({ event: msg.event, at: ts.seconds * 1000 + ts.microseconds / 1000 });
        } else if (!('QMP' in msg)) this.waiting?.(msg);
      }
    });
  }

  static open(file: string): Promise<Monitor> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(file, () => resolve(new Monitor(socket)));
      socket.once('error', reject);
    });
  }

  async call<T>(execute: string, args?: Record<string, unknown>): Promise<T> {
    const answer = new Promise<Record<string, unknown>>((r) => (this.waiting = r));
    this.socket.write(`${JSON.stringify({ execute, ...(args && { arguments: args }) })}\n`);
    const msg = await answer;
    if ('error' in msg) throw new Error(`${execute}: ${JSON.stringify(msg.error)}`);
    return msg.return as T;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Host clock minus guest clock (ms), read over the guest agent's socket. */
async function guestLag(qga: string): Promise<number> {
  const m = await Monitor.open(qga);
  try {
    const id = Math.floor(Math.random() * 1e9);
    await m.call('guest-sync', { id });
    const before = Date.now();
    const guestNs = await m.call<number>('guest-get-time');
    const after = Date.now();
    return (before + after) / 2 - guestNs / 1e6;
  } finally {
    m.close();
  }
}

/** Times work and the guest's pause across it. */
async function paused(qga: string, work: () => Promise<unknown>) {
  const lag0 = await guestLag(qga);
  const [wallMs] = await timed(work);
  return { pauseMs: (await guestLag(qga)) - lag0, wallMs };
}

async function vmSection(stack: Stack): Promise<void> {
  await ok(stack, 'POST', '/api/v1/templates/tiny-linux/build?sync=true', { rebuild: false });
  const created = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
    kind: 'vm',
    name: 'bench-snap',
    memoryMiB: 256,
    disks: [{ template: 'tiny-linux' }],
  });
  const vm = created.result as Instance;
  const dir = path.join(stack.agent.dataDir, 'vms', vm.id);
  const qga = path.join(dir, 'qga');
  await ok(stack, 'POST', `/api/v1/instances/${vm.id}/actions/start?sync=true`);
  const agent = new GuestAgent(qga);
  const deadline = Date.now() + 300_000;
  while (!(await agent.ping(1000))) {
    if (Date.now() > deadline) throw new Error('guest agent never answered');
    await new Promise((r) => setTimeout(r, 200));
  }

  const api = { pause: [] as number[], wall: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const base = `/api/v1/instances/${vm.id}/snapshots`;
    const r = await paused(qga, () =>
      ok(stack, 'POST', `${base}?sync=true`, { name: `api-${i}`, withMemory: true }),
    );
    api.pause.push(r.pauseMs);
    api.wall.push(r.wallMs);
    await ok(stack, 'DELETE', `${base}/api-${i}?sync=true`);
  }

  // The baseline: the agent out of the way (the VM runs on), QMP held by the bench.
  await stack.agent.stop();
  const raw = { pause: [] as number[], wall: [] as number[], events: [] as number[] };
  const qmp = await Monitor.open(path.join(dir, 'qmp'));
  try {
    await qmp.call('qmp_capabilities');
    for (let i = 0; i < rounds; i++) {
      qmp.events.length = 0;
      const r = await paused(qga, () =>
        qmp.call('human-monitor-command', { 'command-line': `savevm raw-${i}` }),
      );
      raw.pause.push(r.pauseMs);
      raw.wall.push(r.wallMs);
      const stop = qmp.events.find((e) => e.event === 'STOP')?.at;
      const resume = qmp.events.find((e) => e.event === 'RESUME')?.at;
      if (stop !== undefined && resume !== undefined) raw.events.push(resume - stop);
      await qmp.call('human-monitor-command', { 'command-line': `delvm raw-${i}` });
    }
  } finally {
    qmp.close();
  }
  await stack.restartAgent();
  await ok(stack, 'DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);

  const row = (label: string, v: number) =>
    console.log(`  ${label.padEnd(46)} ${v.toFixed(0).padStart(8)}`);
  console.log(`\nVM snapshot with memory, 256 MiB tiny guest: medians of ${rounds} rounds (ms)`);
  row('API: guest paused (guest clock lag)', median(api.pause));
  row('API: request until the task ended', median(api.wall));
  row('raw HMP savevm: guest paused (guest clock lag)', median(raw.pause));
  row('raw HMP savevm: QMP STOP → RESUME', median(raw.events));
  row('raw HMP savevm: command', median(raw.wall));
  console.log(
    `\n  API pause / raw savevm pause                   ${(median(api.pause) / median(raw.pause)).toFixed(2)}x`,
  );
}

/**
 * Containers: a snapshot and a linked clone of a running busybox container holding 200 MB, on a
 * loop-backed btrfs pool, through the API (request until the task ended), beside
 * `cp --reflink=always` of the same image by hand. Target: within 2× + 100 ms.
 */
async function ctSection(stack: Stack): Promise<void> {
  const pool = 'benchcow';
  await stack.call('POST', '/api/v1/pools', { name: pool, driver: 'btrfs', sizeMiB: 4096 });
  const created = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
    template: 'busybox',
    name: 'bench-ctsnap',
    diskSizeMiB: 512,
    pool,
  });
  const ct = created.result as Instance;
  await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
  await stack.call('POST', `/api/v1/instances/${ct.id}/exec`, {
    command: ['sh', '-c', 'dd if=/dev/urandom of=/root/data bs=1M count=200 2>/dev/null; sync'],
    timeoutSeconds: 120,
  });
  const root = path.join(stack.agent.dataDir, 'pools', pool);
  const image = path.join(root, `${ct.ctid}.img`);
  const samples = { snap: [] as number[], clone: [] as number[], raw: [] as number[] };
  const clones: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const base = `/api/v1/instances/${ct.id}/snapshots`;
    samples.snap.push(
      (await timed(() => ok(stack, 'POST', `${base}?sync=true`, { name: `s${i}` })))[0],
    );
    const [cloneMs, clone] = await timed(() =>
      ok(stack, 'POST', `/api/v1/instances/${ct.id}/clone?sync=true`, {
        name: `bench-clone-${i}`,
        mode: 'linked',
      }),
    );
    samples.clone.push(cloneMs);
    clones.push((clone.result as Instance).id);
    const copy = path.join(root, `raw-${i}.img`);
    samples.raw.push((await timed(() => run('cp', ['--reflink=always', '--', image, copy])))[0]);
    await rm(copy);
  }
  for (const id of [...clones, ct.id]) {
    await ok(stack, 'DELETE', `/api/v1/instances/${id}?force=true&sync=true`);
  }
  await stack.call('DELETE', `/api/v1/pools/${pool}`);

  const raw = median(samples.raw);
  const target = 2 * raw + 100;
  console.log(`\nContainer on btrfs, 200 MB of data, running: medians of ${rounds} rounds (ms)`);
  for (const [label, values] of [
    ['API snapshot (freeze, sync, reflink, record)', samples.snap],
    ['API linked clone (reflink, new identity, ids)', samples.clone],
    ['raw cp --reflink=always of the image', samples.raw],
  ] as const) {
    const m = median(values);
    const verdict =
      values === samples.raw
        ? ''
        : `  ${(m / raw).toFixed(1)}x raw; ${m <= target ? 'met' : 'MISSED'}`;
    console.log(`  ${label.padEnd(46)} ${m.toFixed(0).padStart(8)}${verdict}`);
  }
  console.log(`  target: ≤ 2 × raw + 100 ms = ${target.toFixed(0)} ms`);
}

async function main() {
  const stack = await startStack('snapbench');
  try {
    if (only !== 'vm') await ctSection(stack);
    if (only !== 'ct') await vmSection(stack);
  } finally {
    await stack.close();
  }
}

await main();
