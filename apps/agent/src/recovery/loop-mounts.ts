import { readFileSync } from 'node:fs';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { exec } from '../run.js';

/**
 * Loop devices and what backs them, from sysfs: one directory read instead of a losetup
 * per image, so start-up stays cheap with hundreds of containers. The files are read one at a
 * time, synchronously (sysfs answers from memory): read all at once, a container list that
 * asks this for each of 170 containers held 170 × (loop devices) files open and ran the agent
 * out of descriptors (EMFILE).
 */
export async function loopBackings(): Promise<Map<string, string>> {
  const backings = new Map<string, string>();
  const entries = await readdir('/sys/block').catch(() => [] as string[]);
  for (const e of entries.filter((name) => name.startsWith('loop'))) {
    let file = '';
    try {
      file = readFileSync(`/sys/block/${e}/loop/backing_file`, 'utf8').trim();
    } catch {
      // Not attached (no backing_file), or gone since the directory was read.
    }
    if (file) backings.set(`/dev/${e}`, file.replace(/ \(deleted\)$/, ''));
  }
  return backings;
}

/** Mount points (from /proc/self/mountinfo) whose source is one of these devices. */
export async function mountsOf(devices: ReadonlySet<string>): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    const source = right?.split(' ')[1];
    const point = left?.split(' ')[4];
    if (source && point && devices.has(source)) found.push(unescapeMountPath(point));
  }
  return found;
}

const unescapeMountPath = (p: string) =>
  p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/**
 * Lets go of an image a killed agent left in use: unmounts it wherever it is mounted (lazily
 * when something still holds it) and detaches its loop devices. Idempotent.
 */
export async function releaseImage(
  image: string,
  backings?: Map<string, string>,
  mountDir?: string,
): Promise<void> {
  const all = backings ?? (await loopBackings());
  const devices = new Set([...all].filter(([, file]) => file === image).map(([dev]) => dev));
  const points = new Set(await mountsOf(devices));
  if (mountDir) points.add(mountDir);
  for (const point of points) {
    if ((await exec('umount', [point])).code !== 0) await exec('umount', ['-l', point]);
  }
  if (mountDir) await rmdir(mountDir).catch(() => undefined);
  for (const device of devices) await exec('losetup', ['-d', device]);
}
