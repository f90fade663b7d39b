import { stat } from 'node:fs/promises';
import { run, runLines } from '../run.js';

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

/** What a disk's file takes on the host: its allocated blocks, not its size. */
export async function allocatedBytes(file: string): Promise<number> {
  return (await stat(file)).blocks * 512;
}

/**
 * A copy of a qcow2 without the clusters that hold nothing or only zeros; a template clone's copy
 * keeps its base (only what differs from it is written), so it stays linked.
 */
export async function compactCopy(
  source: string,
  file: string,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const info = await run('qemu-img', ['info', '--output=json', source]);
  const backing = (JSON.parse(info.stdout) as { 'full-backing-filename'?: string })[
    'full-backing-filename'
  ];
  const base = backing ? ['-B', backing, '-F', 'qcow2'] : [];
  await convertWithProgress(['-f', 'qcow2', '-O', 'qcow2', ...base, source, file], onProgress);
}

/** qemu-img convert with its progress (-p prints "(n/100%)" lines, separated by \r). */
export async function convertWithProgress(
  args: string[],
  progress: (fraction: number) => void,
): Promise<void> {
  await runLines(
    'qemu-img',
    ['convert', '-p', ...args],
    (line) => {
      const last = [...line.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)].at(-1)?.[1];
      if (last) progress(Number(last) / 100);
    },
    { timeoutMs: 6 * 3600_000 },
  );
}
