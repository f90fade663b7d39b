import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { argvOf, endProcesses, processAlive, readPidfile, untilGone } from '../host/proc.js';
import { follow, type Followed } from '../run.js';
import { intToIp, parseCidr } from './ipv4.js';
import { raArgs } from './ipv6.js';

const isDnsmasq = async (pid: number) => path.basename((await argvOf(pid))[0] ?? '') === 'dnsmasq';

/** How often an adopted dnsmasq (not our child, so no exit event) is checked for life. */
const ADOPTED_CHECK_MS = 5000;

export interface Dhcp {
  /** Ends dnsmasq; when VMs still run, the agent leaves it serving them instead. */
  stop(): Promise<void>;
}

/**
 * Static leases (MAC → address), one `mac,ip` line each, kept by the agent and given to dnsmasq
 * as `--dhcp-host` arguments: dnsmasq reads a hosts file only after dropping to `nobody`, who
 * cannot enter the agent's private folder.
 */
export const hostsFile = (stateDir: string) => path.join(stateDir, 'dnsmasq.hosts');

/** The instances' names on a network with DNS, one `name,ip` line each, kept like the leases. */
export const namesFile = (stateDir: string) => path.join(stateDir, 'dnsmasq.names');

const linesOf = async (file: string, line: RegExp) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => line.test(l));

const staticLeaseArgs = async (stateDir: string) =>
  (await linesOf(hostsFile(stateDir), /^[0-9a-f:]{17},[0-9.]+$/)).map((l) => `--dhcp-host=${l}`);

/** Each name answered as `name.domain` and as the bare name (A, and AAAA when it has IPv6). */
const hostRecordArgs = async (stateDir: string, domain: string) =>
  (await linesOf(namesFile(stateDir), /^[a-z0-9-]{1,63},[0-9.]+(,[0-9a-f:]+)?$/)).map((l) => {
    const [name, ...ips] = l.split(',');
    return `--host-record=${name}.${domain},${name},${ips.join(',')}`;
  });

export interface DnsmasqService {
  /** The addresses handed out, or null for no DHCP. */
  range: { first: number; last: number } | null;
  /** The domain instances are named under, or null for no DNS (port 0). */
  dnsDomain: string | null;
  /** The gateway's IPv6 address/prefix, advertised in router advertisements; null for none. */
  ipv6: string | null;
}

function dnsmasqArgs(
  bridge: string,
  cidr: string,
  stateDir: string,
  { range, dnsDomain, ipv6 }: DnsmasqService,
): string[] {
  const { ip, subnet } = parseCidr(cidr);
  const mask = intToIp(2 ** 32 - 2 ** (32 - subnet.prefix));
  const dhcp = range
    ? [
        `--dhcp-range=${intToIp(range.first)},${intToIp(range.last)},${mask},1h`,
        `--dhcp-option=option:router,${ip}`,
        `--dhcp-leasefile=${path.join(stateDir, 'dnsmasq.leases')}`,
        '--dhcp-authoritative',
      ]
    : [];
  // Names under the domain are answered here and never forwarded; the rest go to the host's
  // resolvers (its /etc/resolv.conf), not its /etc/hosts, which names the host's own things.
  const dns = dnsDomain
    ? [`--domain=${dnsDomain}`, `--local=/${dnsDomain}/`, '--no-hosts', '--domain-needed']
    : [];
  return [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--bind-interfaces',
    `--interface=${bridge}`,
    '--except-interface=lo',
    dnsDomain ? '--port=53' : '--port=0',
    ...dhcp,
    ...(ipv6 ? raArgs(bridge, ipv6) : []),
    ...dns,
  ];
}

async function endProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // A new one cannot bind the DHCP port until the old one is gone.
  await untilGone([pid], 2500);
}

/**
 * DHCP for VMs on a network's bridge, over its range (the subnet's top quarter unless set;
 * containers get static addresses from LXC), and DNS names for its instances when it has a
 * domain. One dnsmasq per bridge, restarted by the runner if it dies. A dnsmasq left by an earlier agent is adopted
 * when its pidfile and command line match what this agent would run (VMs keep their leases
 * without a gap), and ended otherwise, so its settings follow the agent's.
 */
export async function startDhcp(
  bridge: string,
  cidr: string,
  stateDir: string,
  service: DnsmasqService,
): Promise<Dhcp> {
  const pidfile = path.join(stateDir, 'dnsmasq.pid');
  const args = [
    ...dnsmasqArgs(bridge, cidr, stateDir, service),
    ...(service.range ? await staticLeaseArgs(stateDir) : []),
    ...(service.dnsDomain ? await hostRecordArgs(stateDir, service.dnsDomain) : []),
  ];
  const spawnOwn = (): Followed =>
    follow('dnsmasq', args, {
      onStart: (pid) => void writeFile(pidfile, String(pid)).catch(() => undefined),
    });

  const ours = args.join('\0');
  // Another agent's (another data dir, older settings) on this bridge would hold the DHCP port.
  const strangers = (argv: string[]) =>
    path.basename(argv[0] ?? '') === 'dnsmasq' &&
    argv.includes(`--interface=${bridge}`) &&
    argv.slice(1).join('\0') !== ours;
  await untilGone(await endProcesses(strangers), 2500);
  const old = await readPidfile(pidfile);
  if (old && (await isDnsmasq(old))) {
    if ((await argvOf(old)).slice(1).join('\0') === ours) return adopt(old, spawnOwn);
    await endProcess(old);
  }
  const own = spawnOwn();
  return { stop: () => own.stop() };
}

/** Watches an earlier agent's dnsmasq; if it dies, this agent starts (and follows) its own. */
function adopt(pid: number, spawnOwn: () => Followed): Dhcp {
  let own: Followed | null = null;
  const watch = setInterval(() => {
    void processAlive(pid).then((alive) => {
      if (alive || own) return;
      clearInterval(watch);
      own = spawnOwn();
    });
  }, ADOPTED_CHECK_MS);
  watch.unref();
  return {
    async stop() {
      clearInterval(watch);
      if (own) await own.stop();
      else await endProcess(pid);
    },
  };
}
