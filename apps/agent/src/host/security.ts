import { readFile } from 'node:fs/promises';
import type { HostFacts } from '@berth/contracts';
import { pathExists } from './files.js';

export type HostSecurity = HostFacts['security'];

/** LXC's default seccomp policy, the one common.conf gives every container. */
export const SECCOMP_POLICY = '/usr/share/lxc/config/common.seccomp';

const readTrimmed = (file: string) =>
  readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );

async function detect(): Promise<HostSecurity> {
  const [maxUserNs, apparmor, seccompActions, policy] = await Promise.all([
    readTrimmed('/proc/sys/user/max_user_namespaces'),
    readTrimmed('/sys/module/apparmor/parameters/enabled'),
    // Present only when the kernel can filter system calls, which LXC's policy needs.
    pathExists('/proc/sys/kernel/seccomp/actions_avail'),
    pathExists(SECCOMP_POLICY),
  ]);
  return {
    userNamespaces: maxUserNs !== null && Number(maxUserNs) > 0,
    // The module can be built in yet switched off at boot: only "Y" means profiles are enforced.
    apparmor: apparmor === 'Y',
    seccomp: seccompActions && policy,
  };
}

let detected: Promise<HostSecurity> | undefined;

/** What can confine containers on this host; the kernel does not change under a running agent. */
export function hostSecurity(): Promise<HostSecurity> {
  detected ??= detect();
  return detected;
}
