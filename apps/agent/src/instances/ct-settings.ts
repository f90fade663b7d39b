import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCode, conflict } from '@berth/contracts';
import { Lxc } from '../drivers/lxc/lxc.js';
import type { Intent } from '../journal/intent.js';
import {
  moveContainerVeth,
  moveRoutedVeth,
  setInsideGateway,
  setInsideMac,
} from '../net/ct-veth.js';
import { releaseImage } from '../recovery/loop-mounts.js';
import { waitDetached, withMountedImage } from '../storage/disk-image.js';
import { replaceFile } from './container-maintenance.js';
import { adaptersOf } from './ct-adapters.js';
import { resolvConf } from './customize.js';
import type { ContainerRecord } from './record.js';

type SettingsIntent = Extract<Intent, { type: 'ct.settings' }>;

/**
 * Runs inside a running container as its root: /etc/resolv.conf replaced by $1 through a rename
 * (it may be a symlink into the template). Data comes as an argument, never as code.
 */
const SET_RESOLV = [
  'set -e',
  'printf "%s" "$1" > /etc/resolv.conf.berth',
  'mv -f /etc/resolv.conf.berth /etc/resolv.conf',
].join('\n');

/**
 * Makes a container match its record where a settings change touched it: a running one's MACs,
 * adapters moved to another network or address, default route and resolv.conf at once (nsenter
 * into its network namespace, lxc-attach); a stopped one's resolv.conf in its image (its MACs,
 * addresses and gateway are LXC's config, written from the record, at its next start).
 * Idempotent, so the replay of a killed change runs it again from whatever record it finds: the
 * old one rolls back, the new one finishes.
 */
export async function applyCtSettings(
  lxc: Lxc,
  record: ContainerRecord,
  image: string,
  touched: SettingsIntent['touched'],
  mounted: (dir: string) => Promise<void> = async () => undefined,
): Promise<'running' | 'stopped' | string> {
  const { state, pid } = await lxc.info(record.ctid);
  if (state === 'running' && pid) {
    const adapters = adaptersOf(record);
    for (const a of adapters.filter((a) => touched.macs.includes(a.index))) {
      await setInsideMac(pid, `eth${a.index}`, a.mac);
    }
    // A move the record does not hold was never begun: the commit comes before the live part.
    const moved = (touched.moves ?? []).flatMap((m) => {
      const a = adapters.find((x) => x.index === m.index && x.network === m.network);
      return a ? [{ ...a, bridge: m.bridge }] : [];
    });
    for (const a of moved) {
      if (a.mode === 'routed') {
        await moveRoutedVeth(pid, {
          veth: a.veth,
          ipv4: a.ipv4,
          gateway: record.gateway,
          ...(record.ipv6 && { ipv6: record.ipv6 }),
          ...(record.gateway6 && { gateway6: record.gateway6 }),
        });
      } else {
        await moveContainerVeth(pid, { ...a, name: `eth${a.index}` });
      }
    }
    // eth0's new address took its default route with the old one.
    if (touched.gateway || moved.some((a) => a.index === 0)) {
      await setInsideGateway(pid, record.gateway);
    }
    if (touched.resolv) {
      const result = await lxc.attach(
        record.ctid,
        ['/bin/sh', '-c', SET_RESOLV, 'sh', resolvConf(record)],
        { timeoutMs: 15_000 },
      );
      if (result.code !== 0) {
        throw new AppError(
          ErrorCode.hostError,
          `writing /etc/resolv.conf inside CT ${record.ctid} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
        );
      }
    }
    return 'running';
  }
  if (state === 'stopped' && touched.resolv) {
    await waitDetached(image);
    await withMountedImage(image, async (root) => {
      await mounted(root);
      const etc = path.join(root, 'etc');
      if (!(await lstat(etc).catch(() => null))?.isDirectory()) {
        throw conflict("the container's /etc is not a folder; its resolv.conf cannot be written");
      }
      await replaceFile(
        path.join(etc, 'resolv.conf'),
        resolvConf(record),
        record.idmap?.hostBase ?? 0,
      );
    });
  }
  return state;
}

/** A settings change a killed agent left: the container made to match its record, whichever it holds. */
export async function settleCtSettings(intent: SettingsIntent): Promise<string> {
  await releaseImage(intent.image, undefined, intent.mountDir);
  const record = JSON.parse(
    await readFile(path.join(intent.lxcDir, 'berth.json'), 'utf8'),
  ) as ContainerRecord;
  const state = await applyCtSettings(
    new Lxc(intent.lxcpath),
    record,
    intent.image,
    intent.touched,
  );
  return state === 'running' || state === 'stopped'
    ? `CT ${intent.ctid} has the adapter settings its record holds (${state})`
    : `CT ${intent.ctid} is ${state}: it gets its recorded settings at its next start`;
}
