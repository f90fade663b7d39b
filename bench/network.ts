/**
 * Network throughput: one TCP stream from a container to another on the same Berth network
 * (veth → bridge → veth), beside the same stream between two network namespaces joined by a
 * plain veth pair, in the same run; then again with 50 firewall rules on the receiver. The
 * sender and receiver are the same small node program in every case, run inside each side's
 * network namespace with nsenter / ip netns, so only the path between them differs. Traffic
 * goes only between addresses this script made.
 *
 *   node --import tsx bench/network.ts [MiB per run] [rounds]
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { FirewallSettingsInput, Instance } from '@berth/contracts';
import { startStack } from '@berth/api/harness';
import { median, ok } from './lib.js';

const run = promisify(execFile);
const mib = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 5);
const PORT = 5201;
const NS = ['bnb-a', 'bnb-b'] as const;
const PAIR = ['bnb-va', 'bnb-vb'] as const;
const PAIR_NET = '10.233.77';

/** Counts what one connection sends and answers "ok" at its end: the sender's clock stops then. */
const RECEIVER = `
const net = require('node:net');
const server = net.createServer((s) => {
  s.on('data', () => {});
  s.on('end', () => s.end('ok', () => server.close()));
});
server.listen(Number(process.argv[2]), process.argv[1], () => console.log('listening'));
`;
/** Sends N MiB as fast as the socket takes them; prints the milliseconds until the answer. */
const SENDER = `
const net = require('node:net');
const [host, port, total] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const chunk = Buffer.alloc(1024 * 1024, 7);
const s = net.connect(port, host, () => {
  const t0 = performance.now();
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent++;
      if (!s.write(chunk)) return s.once('drain', pump);
    }
    s.end();
  };
  s.on('data', () => { console.log(String(performance.now() - t0)); s.destroy(); });
  pump();
});
`;

/** argv prefix that runs a command inside a namespace: a named one, or a process's. */
type Inside = string[];
const inNetns = (name: string): Inside => ['ip', 'netns', 'exec', name];
const inPid = (pid: number): Inside => ['nsenter', '-t', String(pid), '-n'];

async function stream(from: Inside, to: Inside, host: string): Promise<number> {
  const [cmd, ...args] = [...to, process.execPath, '-e', RECEIVER, host, String(PORT)];
  const receiver = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Taken now: the receiver may be gone before the sender's answer is read.
  const exited = new Promise((r) => receiver.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    receiver.stdout.once('data', () => resolve());
    receiver.once('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  const [sCmd, ...sArgs] = [
    ...from,
    process.execPath,
    '-e',
    SENDER,
    host,
    String(PORT),
    String(mib),
  ];
  const { stdout } = await run(sCmd!, sArgs, { timeout: 120_000 });
  await exited;
  return Number(stdout.trim());
}

async function measure(label: string, from: Inside, to: Inside, host: string): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) ms.push(await stream(from, to, host));
  const mbps = (mib * 8 * 1.048576) / (median(ms) / 1000);
  console.log(
    `${label.padEnd(44)} ${mbps.toFixed(0).padStart(7)} Mbit/s (median of ${rounds} × ${mib} MiB)`,
  );
  return mbps;
}

const quiet = (cmd: string, args: string[]) => run(cmd, args).catch(() => undefined);

async function vethPair(): Promise<void> {
  for (const ns of NS) await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', PAIR[0], 'type', 'veth', 'peer', 'name', PAIR[1]]);
  for (const [i, ns] of NS.entries()) {
    await run('ip', ['link', 'set', PAIR[i]!, 'netns', ns]);
    await run('ip', ['-n', ns, 'addr', 'add', `${PAIR_NET}.${i + 1}/24`, 'dev', PAIR[i]!]);
    await run('ip', ['-n', ns, 'link', 'set', PAIR[i]!, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
}

const stack = await startStack('netbench');
try {
  await vethPair();
  await ok(stack, 'POST', '/api/v1/templates/busybox/build?sync=true', { rebuild: false });
  const cts: Instance[] = [];
  for (const name of ['nb-send', 'nb-recv']) {
    const task = await ok(stack, 'POST', '/api/v1/instances?sync=true', {
      kind: 'ct',
      name,
      template: 'busybox',
      diskSizeMiB: 32,
    });
    const ct = task.result as Instance;
    await ok(stack, 'POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    cts.push(ct);
  }
  const lxcpath = `${stack.agent.dataDir}/lxc`;
  const pid = async (ct: Instance) =>
    Number((await run('lxc-info', ['-P', lxcpath, '-n', String(ct.ctid), '-p', '-H'])).stdout);
  const [send, recv] = [inPid(await pid(cts[0]!)), inPid(await pid(cts[1]!))];
  const recvIp = cts[1]!.nics[0]!.ipv4!.split('/')[0]!;

  console.log(
    `one TCP stream, ${mib} MiB per run, ${rounds} runs each (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
  );
  const pair = await measure(
    'baseline: two namespaces on a veth pair',
    inNetns(NS[0]),
    inNetns(NS[1]),
    `${PAIR_NET}.2`,
  );
  const bridged = await measure('container → container on one network', send, recv, recvIp);

  // 50 rules the stream matches none of, ahead of the default accept: each packet walks them all.
  const rules: FirewallSettingsInput['rules'] = Array.from({ length: 50 }, (_, i) => ({
    direction: 'in',
    action: 'drop',
    protocol: 'tcp',
    ports: [String(10_000 + i)],
    source: `192.0.2.${i + 1}`,
  }));
  const fw = await stack.call('PUT', `/api/v1/instances/${cts[1]!.id}/firewall`, { rules });
  if (fw.status !== 200) throw new Error(`firewall: ${fw.status} ${JSON.stringify(fw.body)}`);
  const filtered = await measure('the same, 50 firewall rules on the receiver', send, recv, recvIp);

  console.log(`bridged ÷ veth pair: ${(pair / bridged).toFixed(2)}× slower (target: within 1.2×)`);
  console.log(
    `50 rules cost: ${((1 - filtered / bridged) * 100).toFixed(1)} % of the bridged throughput`,
  );
  for (const ct of cts)
    await stack.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
} finally {
  for (const ns of NS) await quiet('ip', ['netns', 'del', ns]);
  await stack.close();
}
