import { createReadStream } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Template } from '@berth/contracts';
import { AppError, ErrorCode, badRequest, conflict, notFound } from '@berth/contracts';
import { run } from '../run.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import { receiveUpload } from '../storage/upload.js';

/** What a container template says about itself, beside its root filesystem. */
export const CtCustomMeta = z.strictObject({
  format: z.literal('berth-ct-template/1'),
  builtAt: z.iso.datetime(),
  sizeBytes: z.number().int().nonnegative(),
  unpackedBytes: z.number().int().nonnegative(),
  description: z.string().max(500),
  /** The container it was made from (its name on the host that made it). */
  from: z.string().max(200),
  /** The source's template's lxc.signal.halt: a container made from it shuts down the same way. */
  haltSignal: z.string().regex(/^SIG[A-Z0-9+]+$/),
  loginHint: z.string().max(200).nullable(),
  /**
   * Files' capabilities as the host's root would hold them (`getcap` text, paths relative to
   * the root). Kept out of the tarball: there they would name the source container's root id.
   */
  capabilities: z
    .array(
      z.strictObject({
        file: z
          .string()
          .max(4096)
          .refine((f) => !f.startsWith('/') && !f.split('/').includes('..'), 'a relative path'),
        caps: z.string().regex(/^[a-z0-9_,+=-]+$/),
      }),
    )
    .max(100_000)
    .default([]),
});
export type CtCustomMeta = z.infer<typeof CtCustomMeta>;

export const CT_META = 'berth-ct-template.json';
export const CT_ROOTFS = 'rootfs.tar.zst';
/** An import's upload, inside the template's .part folder until it is unpacked. */
const UPLOAD = 'upload.tar';

const notAnExport = (why: string) =>
  badRequest(`that is not a Berth container template export: ${why}`);

/**
 * Templates made from containers ("application templates") and imported from files. They live
 * beside the templates made from VMs (`<agent data>/templates/<name>/`, one name space), as a
 * root filesystem tarball with ids as the container itself saw them (0-based, like the
 * built-in caches) and a meta file. Containers are full copies of the tarball, so none depends
 * on its template once made: a template can always be deleted.
 */
export class CtCustomTemplates {
  constructor(readonly dir: string) {}

  folder(name: string): string {
    return path.join(this.dir, name);
  }

  tarball(name: string): string {
    return path.join(this.folder(name), CT_ROOTFS);
  }

  /**
   * Folders ending in .part are templates being written; at agent start no write is under way,
   * so what is left of one (an import killed half-way) goes. Conversions are journaled and
   * settled before this runs.
   */
  async sweep(): Promise<string[]> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    const left = entries.filter((e) => e.endsWith('.part'));
    for (const e of left) await rm(path.join(this.dir, e), { recursive: true, force: true });
    return left;
  }

  async meta(name: string): Promise<CtCustomMeta | null> {
    try {
      const meta = CtCustomMeta.parse(
        JSON.parse(await readFile(path.join(this.folder(name), CT_META), 'utf8')),
      );
      await stat(this.tarball(name));
      return meta;
    } catch {
      return null;
    }
  }

  /** Whether a folder of this name exists (a container template, a VM one, or one being written). */
  async taken(name: string): Promise<boolean> {
    for (const candidate of [name, `${name}.part`]) {
      if (await stat(this.folder(candidate)).catch(() => null)) return true;
    }
    return false;
  }

  private template(name: string, meta: CtCustomMeta): Template {
    return {
      name,
      description: meta.description || `made from container ${meta.from}`,
      loginHint: meta.loginHint,
      kind: 'ct',
      cached: true,
      building: false,
      sizeBytes: meta.sizeBytes,
      builtAt: meta.builtAt,
      custom: true,
    };
  }

  async list(): Promise<Template[]> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    const out: Template[] = [];
    for (const name of entries.filter((e) => !e.endsWith('.part')).sort()) {
      const meta = await this.meta(name);
      if (meta) out.push(this.template(name, meta));
    }
    return out;
  }

  async get(name: string): Promise<Template> {
    const meta = await this.meta(name);
    if (!meta) throw notFound(`container template ${name}`);
    return this.template(name, meta);
  }

  async remove(name: string): Promise<void> {
    await this.get(name);
    // Renamed first: a kill in the middle of the rm leaves a .part folder, swept at start.
    const doomed = `${this.folder(name)}.part`;
    await rename(this.folder(name), doomed);
    await rm(doomed, { recursive: true, force: true });
  }

  /**
   * The template as one file: an uncompressed tar holding the meta and the root filesystem's
   * tarball as they are stored, so the export is a plain read and any tar lists it.
   */
  async export(name: string): Promise<{ stream: Readable; sizeBytes: number }> {
    const meta = await this.meta(name);
    if (!meta) throw notFound(`container template ${name}`);
    const metaBytes = await readFile(path.join(this.folder(name), CT_META));
    const rootfs = this.tarball(name);
    const rootfsBytes = (await stat(rootfs)).size;
    const mtime = Math.floor(Date.parse(meta.builtAt) / 1000);
    async function* parts() {
      yield tarHeader(CT_META, metaBytes.length, mtime);
      yield metaBytes;
      yield padding(metaBytes.length);
      yield tarHeader(CT_ROOTFS, rootfsBytes, mtime);
      yield* createReadStream(rootfs);
      yield padding(rootfsBytes);
      yield Buffer.alloc(1024);
    }
    const sizeBytes = 512 + roundUp(metaBytes.length) + 512 + roundUp(rootfsBytes) + 1024;
    return { stream: Readable.from(parts()), sizeBytes };
  }

  /**
   * Takes an exported file as it streams in. `expectedBytes` (the upload's length) is checked
   * against free space before the first byte: the upload and its unpacked parts are both on disk
   * for a moment. Everything is written into `<name>.part` and renamed when whole (the commit
   * point); any refusal or failure removes the folder, and a kill leaves it to the start's sweep.
   */
  async import(name: string, body: Readable, expectedBytes: number | null): Promise<Template> {
    const final = this.folder(name);
    const staging = `${final}.part`;
    // A second import of the same name finds the first one's .part: mkdir fails, nothing of the
    // first is touched. The refusal comes through the upload's `before`, which reads the body to
    // its end first: an answer sent while the client still sends reaches it as a reset.
    let mine = false;
    if (!(await this.taken(name))) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      mine = await mkdir(staging, { mode: 0o700 }).then(
        () => true,
        () => false,
      );
    }
    try {
      const upload = path.join(staging, UPLOAD);
      let head: Buffer | null = Buffer.alloc(0);
      const judgeHead = () => {
        if (head === null || head.length < 512) return null;
        const ok = head.subarray(257, 262).toString('latin1') === 'ustar';
        head = null;
        return ok ? null : notAnExport('it is not a tar file');
      };
      await receiveUpload(body, upload, 0o600, {
        before: async () => {
          if (!mine) throw conflict(`a template named ${name} exists already`, 'name');
          if (expectedBytes !== null) {
            await assertFreeSpace(this.dir, expectedBytes * 2, `importing template ${name}`);
          }
        },
        chunk: (chunk, size) => {
          if (expectedBytes !== null && size > expectedBytes) {
            return badRequest('the upload is longer than its Content-Length');
          }
          if (head !== null) head = Buffer.concat([head, chunk]);
          return judgeHead();
        },
        end: () => (head !== null ? notAnExport('it is too short to be a tar file') : null),
      });
      const listing = await run('tar', ['-tf', upload]).catch(() => {
        throw notAnExport('tar cannot read it');
      });
      const members = listing.stdout.split('\n').filter(Boolean).sort();
      if (members.join(' ') !== [CT_META, CT_ROOTFS].sort().join(' ')) {
        throw notAnExport(
          `it must hold ${CT_META} and ${CT_ROOTFS}, and holds ${members.join(', ') || 'nothing'}`,
        );
      }
      await assertFreeSpace(this.dir, (await stat(upload)).size, `importing template ${name}`);
      await run('tar', ['--no-same-owner', '-xf', upload, '-C', staging, CT_META, CT_ROOTFS]);
      await rm(upload);
      for (const member of [CT_META, CT_ROOTFS]) {
        // A link would make the template (and its export) read a file elsewhere on the host.
        const st = await lstat(path.join(staging, member));
        if (!st.isFile() || st.nlink !== 1) throw notAnExport(`${member} is not a plain file`);
      }
      const parsed = CtCustomMeta.safeParse(
        JSON.parse(await readFile(path.join(staging, CT_META), 'utf8').catch(() => 'null')),
      );
      if (!parsed.success)
        throw notAnExport(`${CT_META} is not one: ${parsed.error.issues[0]?.message}`);
      const zstd = await run('zstd', ['-t', '-q', path.join(staging, CT_ROOTFS)], {
        timeoutMs: 30 * 60_000,
      }).catch(() => null);
      if (!zstd) throw notAnExport(`${CT_ROOTFS} is not a whole zstd stream`);
      const meta: CtCustomMeta = {
        ...parsed.data,
        sizeBytes: (await stat(path.join(staging, CT_ROOTFS))).size,
      };
      await writeFile(path.join(staging, CT_META), JSON.stringify(meta));
      await run('sync', ['-f', staging]);
    } catch (err) {
      if (mine) await rm(staging, { recursive: true, force: true });
      if (err instanceof SyntaxError) throw notAnExport(`${CT_META} is not JSON`);
      throw await explainNoSpace(err, staging);
    }
    await rename(staging, final);
    return this.get(name);
  }
}

const roundUp = (n: number) => Math.ceil(n / 512) * 512;
const padding = (n: number) => Buffer.alloc(roundUp(n) - n);

/** A POSIX ustar header for a regular file owned by root, mode 0644. */
function tarHeader(name: string, size: number, mtime: number): Buffer {
  if (size >= 8 ** 11) {
    throw new AppError(ErrorCode.validation, `${name} is too large for a tar header (8 GiB)`);
  }
  const h = Buffer.alloc(512);
  const put = (text: string, at: number) => h.write(text, at, 'latin1');
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  put(name, 0);
  put(octal(0o644, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(mtime, 12), 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\0', 257);
  put('00', 263);
  put('root', 265);
  put('root', 297);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
