import { run } from '../run.js';

/** A copy-on-write disk over a read-only base: the base must never change while it is in use. */
export async function linkedClone(base: string, file: string): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', file]);
}

export async function fullCopy(base: string, file: string): Promise<void> {
  await run('qemu-img', ['convert', '-O', 'qcow2', base, file], { timeoutMs: 30 * 60_000 });
}

/** An image in another format (already inspected: no backing or data file) as a standalone qcow2. */
export async function convertToQcow2(file: string, source: string, format: string): Promise<void> {
  await run('qemu-img', ['convert', '-f', format, '-O', 'qcow2', source, file], {
    timeoutMs: 6 * 3600_000,
  });
}

export async function emptyDisk(file: string, sizeMiB: number): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', file, `${sizeMiB}M`]);
}

export async function growDisk(file: string, sizeMiB: number): Promise<void> {
  await run('qemu-img', ['resize', '-q', file, `${sizeMiB}M`]);
}

/** The disk's size as the guest sees it, whether or not QEMU holds it open. */
export async function virtualSize(file: string): Promise<number> {
  const info = await run('qemu-img', ['info', '--output=json', '-U', file]);
  return (JSON.parse(info.stdout) as { 'virtual-size': number })['virtual-size'];
}
