import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, Network, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };

/** Receives one connection and prints its rate in kbit/s, measured from its first byte to its end. */
const RECEIVER = `
const net = require('node:net');
const server = net.createServer((s) => {
  let bytes = 0, t0 = 0;
  s.on('data', (d) => { if (!t0) t0 = performance.now(); bytes += d.length; });
  s.on('end', () => {
    console.log(String((bytes * 8) / (performance.now() - t0)));
    server.close();
  });
});
server.listen(Number(process.argv[2]), process.argv[1], () => console.log('listening'));
`;
/** Sends as fast as the socket takes for a bounded time, then ends. */
const SENDER = `
const net = require('node:net');
const chunk = Buffer.alloc(16 * 1024, 1);
const s = net.connect(Number(process.argv[2]), process.argv[1], () => {
  const stop = Date.now() + Number(process.argv[3]);
  const pump = () => {
    while (Date.now() < stop) if (!s.write(chunk)) return s.once('drain', pump);
    s.end();
  };
  pump();
});
`;

/**
 * Rate limits on a busybox container's adapter, measured with one TCP stream each way between
 * the container and the host's address on the stack's bridge (both made by this test): HTB on
 * the veth's host end for what goes in, an IFB device for what comes out.
 */
describe('network rate limits of a container, measured', () => {
  let stack: Stack;
  let ct: Instance;
  /** The host's address on the stack's bridge: one end of every measured stream. */
  let gateway: string;
  const veth = () => `vc${ct.id.slice(0, 8)}`;
  const ifb = () => `ivc${ct.id.slice(0, 8)}`;
  const linkExists = (name: string) => {
    try {
      execFileSync('ip', ['link', 'show', 'dev', name], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  };
  const initPid = () =>
    execFileSync('lxc-info', [
      ...['-P', path.join(stack.agent.dataDir, 'lxc'), '-n', String(ct.ctid), '-p', '-H'],
    ])
      .toString()
      .trim();
  const inCt = () => ['nsenter', '-t', initPid(), '-n'];

  /** One stream of `ms` from one side to the other; the receiver's measured rate in kbit/s. */
  async function stream(from: string[], to: string[], host: string, ms = 4000): Promise<number> {
    const port = String(5300 + Math.floor(Math.random() * 500));
    const [rCmd, ...rArgs] = [...to, process.execPath, '-e', RECEIVER, host, port];
    const receiver = spawn(rCmd!, rArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    // Taken now: the receiver may be gone before the sender returns.
    const exited = new Promise((r) => receiver.once('exit', r));
    const lines: string[] = [];
    receiver.stdout.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    await until('the receiver to listen', async () => lines.includes('listening'), 10_000, 50);
    const [sCmd, ...sArgs] = [...from, process.execPath, '-e', SENDER, host, port, String(ms)];
    execFileSync(sCmd!, sArgs, { timeout: ms + 20_000 });
    await exited;
    return Number(lines.at(-1));
  }
  const patch = (limits: unknown) =>
    stack.call<Instance & ErrorBody>('PATCH', `/api/v1/instances/${ct.id}`, { limits });
  const within = (kbps: number, target: number) =>
    assert.ok(
      Math.abs(kbps - target) <= target * 0.2,
      `${Math.round(kbps)} kbit/s is not within 20 % of ${target}`,
    );

  before(async () => {
    stack = await startStack('shape');
    const build = await stack.call<TaskReply>('POST', '/api/v1/templates/busybox/build?sync=true', {
      rebuild: false,
    });
    assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'ct',
      name: 'shaped',
      template: 'busybox',
      limits: { network: { egressKbps: 2000, ingressKbps: 4000 } },
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    ct = res.body.task.result as Instance;
    const started = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/start?sync=true`,
    );
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const net = await stack.call<Network>('GET', '/api/v1/networks/default');
    gateway = net.body.ipv4.split('/')[0]!;
  });
  after(async () => {
    if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('limits set at create hold in a bulk transfer each way, within 20 %', async () => {
    const ctIp = ct.nics[0]!.ipv4!.split('/')[0]!;
    within(await stream(inCt(), [], gateway), 2000);
    within(await stream([], inCt(), ctIp), 4000);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`);
    assert.deepEqual(shown.body.effectiveLimits?.network, { egressKbps: 2000, ingressKbps: 4000 });
    assert.deepEqual(shown.body.limitsDiffer, []);
  });

  test('a live change takes effect at once; a cleared limit leaves no qdisc or IFB device', async () => {
    const changed = await patch({ network: { egressKbps: 1000, ingressKbps: null } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    within(await stream(inCt(), [], gateway), 1000);
    assert.doesNotMatch(execFileSync('tc', ['qdisc', 'show', 'dev', veth()]).toString(), /htb/);
    const cleared = await patch({ network: { egressKbps: null } });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(linkExists(ifb()), false, 'the IFB device is gone');
    assert.doesNotMatch(execFileSync('tc', ['qdisc', 'show', 'dev', veth()]).toString(), /ingress/);
  });

  test('the agent puts a limit back at start; a stopped container leaves no IFB device', async () => {
    assert.equal((await patch({ network: { egressKbps: 1500 } })).status, 200);
    await stack.restartAgent({ kill: true });
    execFileSync('tc', ['qdisc', 'del', 'dev', veth(), 'ingress']);
    await stack.restartAgent({ env: {} });
    await until(
      'the agent to shape the veth again',
      async () => /ingress/.test(execFileSync('tc', ['qdisc', 'show', 'dev', veth()]).toString()),
      30_000,
    );
    within(await stream(inCt(), [], gateway), 1500);
    const stopped = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/stop?sync=true`,
      { force: true },
    );
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    await until('the IFB device to go', async () => !linkExists(ifb()), 10_000);
  });
});
