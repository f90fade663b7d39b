import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ImportableDiskFormat } from '@berth/contracts';
import { AppError, ErrorCode, MAX_DISK_MIB, badRequest } from '@berth/contracts';
import { exec } from '../run.js';
import { assertFreeSpace } from './free-space.js';
import { receiveUpload } from './upload.js';

/** Uploads being received are `.import-<pid>-…` in the VM's folder: the pid tells whose they are. */
export const IMPORT_PREFIX = '.import-';
const MAX_BYTES = MAX_DISK_MIB * 1024 * 1024;
const HEADERED = new Set<string>(['qcow2', 'vmdk', 'vdi', 'vhdx']);

export type InspectedImage = {
  format: ImportableDiskFormat;
  virtualBytes: number;
  /** What the image holds on disk: the converted qcow2 needs about as much. */
  allocatedBytes: number;
};

type QemuImgInfo = {
  format: string;
  'virtual-size': number;
  'actual-size'?: number;
  'backing-filename'?: string;
  'format-specific'?: { data?: { 'data-file'?: string; extents?: Array<{ filename: string }> } };
};

/** The owner's pid in a staging file's name (`.import-123-1700000000000.part`). */
export const importOwner = (name: string) =>
  Number(new RegExp(`^\\${IMPORT_PREFIX}(\\d+)-`).exec(name)?.[1] ?? 0);

/**
 * Streams an upload into the VM's folder. A declared length is checked against the free space
 * before the first byte; a refused upload is read to its end first, because an answer sent
 * while the client still sends reaches it (and the API relaying it) as a reset.
 */
export async function receiveImage(
  dir: string,
  body: Readable,
  declaredBytes: number | null,
): Promise<string> {
  const file = path.join(dir, `${IMPORT_PREFIX}${process.pid}-${Date.now()}.part`);
  await receiveUpload(body, file, 0o600, {
    before: async () => {
      if (declaredBytes === null) return;
      if (declaredBytes > MAX_BYTES) throw tooLarge();
      await assertFreeSpace(dir, declaredBytes, 'the uploaded disk image');
    },
    chunk: (_chunk, size) => (size > MAX_BYTES ? tooLarge() : null),
  });
  return file;
}

/**
 * What an uploaded image is, as qemu-img reads it, refusing anything that would make QEMU open
 * a file beside it: a backing file, a qcow2 external data file, a vmdk whose extents live in
 * other files. Any of those could point anywhere on the host.
 */
export async function inspectImage(
  file: string,
  named?: ImportableDiskFormat,
): Promise<InspectedImage> {
  const args = ['info', '--output=json', ...(named ? ['-f', named] : []), file];
  const res = await exec('qemu-img', args);
  if (res.code !== 0) {
    throw badRequest(
      named
        ? `not a ${named} image: ${firstLine(res.stderr)}`
        : `not a disk image qemu-img can read: ${firstLine(res.stderr)}`,
      'format',
    );
  }
  const info = JSON.parse(res.stdout) as QemuImgInfo;
  if (!named && !HEADERED.has(info.format)) {
    throw badRequest(
      `not a disk image: no qcow2, vmdk, vdi or vhdx header (qemu-img read it as ${info.format}); a raw image is taken when named with ?format=raw`,
      'format',
    );
  }
  if (info['backing-filename']) {
    throw badRequest(
      `the image has a backing file (${info['backing-filename']}); upload a standalone image (qemu-img convert flattens it)`,
    );
  }
  const data = info['format-specific']?.data;
  if (data?.['data-file']) {
    throw badRequest(`the image keeps its data in another file (${data['data-file']}); refused`);
  }
  const foreign = data?.extents?.find((e) => path.resolve(e.filename) !== path.resolve(file));
  if (foreign) {
    throw badRequest(
      `the vmdk's data lives in another file (${path.basename(foreign.filename)}); upload a single-file (monolithic) vmdk`,
    );
  }
  if (info['virtual-size'] > MAX_BYTES) throw tooLarge();
  return {
    format: info.format as ImportableDiskFormat,
    virtualBytes: info['virtual-size'],
    allocatedBytes: info['actual-size'] ?? info['virtual-size'],
  };
}

const tooLarge = () =>
  new AppError(ErrorCode.tooLarge, `a disk image is at most ${MAX_DISK_MIB / (1024 * 1024)} TiB`);
const firstLine = (text: string) => text.trim().split('\n')[0]?.slice(0, 300) ?? '';
