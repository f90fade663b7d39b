import type { Limits } from '@berth/contracts';
import { exec, run } from '../run.js';

export type NetworkLimits = NonNullable<Limits['network']>;

/**
 * The IFB device that carries what an adapter sends, so it can be shaped: the kernel shapes
 * only on the way out of a device, and what the instance sends arrives at its host end.
 */
export const ifbFor = (hostDev: string) => `i${hostDev}`.slice(0, 15);

/**
 * Rate limits on an instance's adapter, applied on its host end (a container's veth, a VM's
 * tap): into the instance with HTB on the host end's egress; out of it by redirecting the host
 * end's ingress to an IFB device and HTB there. Idempotent; a limit left out is lifted (its
 * qdisc and, for egress, its IFB device removed).
 */
export async function shapeAdapter(hostDev: string, limits: NetworkLimits = {}): Promise<void> {
  const ifb = ifbFor(hostDev);
  if (limits.ingressKbps) await htb(hostDev, limits.ingressKbps);
  else await exec('tc', ['qdisc', 'del', 'dev', hostDev, 'root']);
  if (limits.egressKbps) {
    if ((await exec('ip', ['link', 'show', 'dev', ifb])).code !== 0) {
      await run('ip', ['link', 'add', ifb, 'type', 'ifb']);
    }
    await run('ip', ['link', 'set', 'dev', ifb, 'up']);
    await htb(ifb, limits.egressKbps);
    // Made afresh: `tc filter replace` without a handle would add a second redirect.
    await exec('tc', ['qdisc', 'del', 'dev', hostDev, 'ingress']);
    await run('tc', ['qdisc', 'add', 'dev', hostDev, 'handle', 'ffff:', 'ingress']);
    await run('tc', [
      ...['filter', 'add', 'dev', hostDev, 'parent', 'ffff:', 'pref', '1', 'protocol', 'all'],
      ...['u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', ifb],
    ]);
  } else {
    await exec('tc', ['qdisc', 'del', 'dev', hostDev, 'ingress']);
    await dropIfb(hostDev);
  }
}

/** The IFB device outlives the adapter it served: it goes when the instance stops. */
export async function dropIfb(hostDev: string): Promise<void> {
  await exec('ip', ['link', 'del', 'dev', ifbFor(hostDev)]);
}

/** One HTB class that every packet falls into, at the rate; the burst lets a 1 ms tick pass it. */
async function htb(dev: string, kbps: number): Promise<void> {
  // HTB takes no `change`, so a `replace` over our own qdisc fails: only a foreign one is replaced.
  const qdiscs = (await run('tc', ['qdisc', 'show', 'dev', dev])).stdout;
  if (!/^qdisc htb 1: root/m.test(qdiscs)) {
    await run('tc', [
      'qdisc',
      'replace',
      'dev',
      dev,
      'root',
      'handle',
      '1:',
      'htb',
      'default',
      '10',
    ]);
  }
  const rate = `${kbps}kbit`;
  await run('tc', [
    ...['class', 'replace', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb'],
    ...['rate', rate, 'ceil', rate, 'burst', `${Math.max(2, Math.ceil(kbps / 8 / 1000) * 2)}k`],
  ]);
}

/** The limits in force on an adapter, read back from its qdiscs: what `tc` says, not the record. */
export async function readShaping(hostDev: string): Promise<NetworkLimits> {
  const out: NetworkLimits = {};
  const ingressKbps = await rateOf(hostDev);
  if (ingressKbps) out.ingressKbps = ingressKbps;
  const egressKbps = await rateOf(ifbFor(hostDev));
  if (egressKbps) out.egressKbps = egressKbps;
  return out;
}

const UNIT: Record<string, number> = { '': 1e-3, K: 1, M: 1e3, G: 1e6 };

/** The HTB class's rate in kbit/s from `tc class show` ("… rate 1Mbit ceil …"): this tc has no JSON for classes. */
async function rateOf(dev: string): Promise<number | undefined> {
  const res = await exec('tc', ['class', 'show', 'dev', dev]);
  const m = /class htb 1:10 .*?\brate (\d+(?:\.\d+)?)([KMG]?)bit/.exec(
    res.code === 0 ? res.stdout : '',
  );
  return m ? Math.round(Number(m[1]) * UNIT[m[2]!]!) : undefined;
}
