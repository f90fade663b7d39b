import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { HostFacts } from '@berth/contracts';
import type { AgentConfig } from './config.js';
import type { HostLicense } from './licenses/host-license.js';
import { Lxc } from './drivers/lxc/lxc.js';
import { hostSecurity } from './host/security.js';
import { detectCgroup } from './limits/cgroup.js';
import { lxcfsStatus } from './limits/lxcfs.js';
import type { Quarantine } from './recovery/quarantine.js';
import { exec } from './run.js';
import { canResizeOnline } from './storage/disk-image.js';

export const AGENT_VERSION = '0.1.0';

async function memAvailable(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kb = /MemAvailable:\s+(\d+)/.exec(text)?.[1];
  return kb ? Number(kb) * 1024 : os.freemem();
}

/**
 * Tool versions, asked once per agent process: starting qemu-system-x86_64 just to print
 * its version costs a few hundred milliseconds, too much for every dashboard load.
 */
let versions: Promise<{ lxc: string | null; qemu: string | null }> | undefined;
function toolVersions() {
  versions ??= Promise.all([Lxc.version(), exec('qemu-system-x86_64', ['--version'])]).then(
    ([lxc, qemu]) => ({
      lxc,
      qemu: qemu.code === 0 ? (/version ([\d.]+)/.exec(qemu.stdout)?.[1] ?? null) : null,
    }),
  );
  return versions;
}

export async function hostFacts(
  config: AgentConfig,
  accel: 'kvm' | 'tcg',
  quarantine: Quarantine,
  license: HostLicense,
): Promise<HostFacts> {
  const [tools, memoryAvailableBytes, disk, leftovers, security, cgroup] = await Promise.all([
    toolVersions(),
    memAvailable(),
    statfs(config.dataDir),
    quarantine.list(),
    hostSecurity(),
    detectCgroup(),
  ]);
  return {
    hostname: os.hostname(),
    kernel: os.release(),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    memoryAvailableBytes,
    diskBytes: disk.blocks * disk.bsize,
    diskAvailableBytes: disk.bavail * disk.bsize,
    loadAverage: os.loadavg(),
    lxcVersion: tools.lxc,
    qemuVersion: tools.qemu,
    virtualization: accel,
    agentVersion: AGENT_VERSION,
    network: { bridge: config.bridge, cidr: config.bridgeCidr },
    storage: { growInUse: await canResizeOnline() },
    security,
    cgroup: {
      version: cgroup.version,
      controllers: cgroup.controllers,
      swapAccounting: cgroup.swapAccounting,
    },
    lxcfs: lxcfsStatus(),
    leftovers,
    license: license.fact(),
  };
}
