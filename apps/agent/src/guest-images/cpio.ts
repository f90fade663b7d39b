import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** A device node to put in the archive: unprivileged builders cannot mknod one on disk. */
export interface DeviceNode {
  path: string;
  type: 'char' | 'block';
  major: number;
  minor: number;
  mode: number;
}

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

interface Entry {
  name: string;
  mode: number;
  nlink: number;
  mtime: number;
  data: Buffer;
  rdevMajor?: number;
  rdevMinor?: number;
}

/** One "newc" (070701) record: the format the kernel's initramfs unpacker reads. */
export function newcRecord(ino: number, e: Entry): Buffer {
  const name = Buffer.from(`${e.name}\0`, 'utf8');
  const fields = [
    ino,
    e.mode,
    0, // uid: everything in the guest belongs to root
    0, // gid
    e.nlink,
    e.mtime,
    e.data.length,
    0, // devmajor/devminor of the filesystem holding the file: unused by the kernel
    0,
    e.rdevMajor ?? 0,
    e.rdevMinor ?? 0,
    name.length,
    0, // checksum: only the 070702 format uses it
  ];
  const head = Buffer.from(
    `070701${fields.map((f) => (f >>> 0).toString(16).padStart(8, '0')).join('')}`,
    'ascii',
  );
  const headLen = head.length + name.length;
  return Buffer.concat([head, name, pad4(headLen), e.data, pad4(e.data.length)]);
}

async function* records(root: string, devices: readonly DeviceNode[]): AsyncGenerator<Buffer> {
  let ino = 1;
  const walk = async function* (rel: string): AsyncGenerator<Buffer> {
    const names = (await readdir(path.join(root, rel))).sort();
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(root, relPath);
      const st = await lstat(full);
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (st.isDirectory()) {
        yield newcRecord(ino++, {
          name: relPath,
          mode: st.mode,
          nlink: 2,
          mtime,
          data: Buffer.alloc(0),
        });
        yield* walk(relPath);
      } else if (st.isSymbolicLink()) {
        const data = Buffer.from(await readlink(full), 'utf8');
        yield newcRecord(ino++, { name: relPath, mode: st.mode, nlink: 1, mtime, data });
      } else if (st.isFile()) {
        // Hard links are stored as separate copies: simpler, and nothing here shares inodes.
        const data = await readFile(full);
        yield newcRecord(ino++, { name: relPath, mode: st.mode, nlink: 1, mtime, data });
      } else {
        throw new Error(`${full}: only directories, files and symlinks go into an initramfs`);
      }
    }
  };
  yield* walk('');
  for (const d of devices) {
    yield newcRecord(ino++, {
      name: d.path,
      mode: (d.type === 'char' ? S_IFCHR : S_IFBLK) | d.mode,
      nlink: 1,
      mtime: 0,
      data: Buffer.alloc(0),
      rdevMajor: d.major,
      rdevMinor: d.minor,
    });
  }
  yield newcRecord(0, { name: 'TRAILER!!!', mode: 0, nlink: 1, mtime: 0, data: Buffer.alloc(0) });
}

/**
 * Packs the tree under root as a gzip-compressed newc cpio archive. Written in
 * Node instead of `find | cpio` so there is no shell pipeline, no cpio package,
 * and device nodes need no mknod on the build host.
 */
export async function writeInitramfs(
  root: string,
  out: string,
  devices: readonly DeviceNode[] = [],
): Promise<void> {
  await pipeline(
    records(root, devices),
    createGzip({ level: 9 }),
    createWriteStream(out, { flags: 'wx', mode: 0o644 }),
  );
}
