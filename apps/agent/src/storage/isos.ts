import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Iso, IsoStoreUsage } from '@berth/contracts';
import { ErrorCode, badRequest, conflict, notFound, AppError } from '@berth/contracts';
import { assertFreeSpace } from './free-space.js';
import { ISO_HEAD_BYTES, imageFormat } from './iso-type.js';
import { receiveUpload } from './upload.js';

const META = '.meta.json';
/** Uploads in progress are written as `.upload-<pid>-…`: the pid tells whose they are. */
export const UPLOAD_PREFIX = '.upload-';

const GiB = 1024 ** 3;
const overQuota = (quota: number) =>
  new AppError(
    ErrorCode.tooLarge,
    `the ISO store of this host would exceed its quota of ${(quota / GiB).toFixed(1)} GiB (${quota} bytes); delete ISOs or raise the quota`,
  );
const notAnImage = () =>
  badRequest(
    'not an ISO 9660 or UDF image (no CD001, BEA01 or NSR0x volume descriptor at byte 32769); the store takes CD images only',
  );

/** The host's ISO store: a flat folder of .iso files (names validated by the contract), each with its checksum. */
export class IsoStore {
  /** Bytes of uploads still streaming: they count against the quota before they land. */
  private streaming = 0;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    /** The store's total size limit unless an upload names another (the API's setting). */
    private readonly quotaBytes: number,
  ) {}

  path(name: string): string {
    return path.join(this.dir, name);
  }

  async list(): Promise<Iso[]> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.iso') && !n.startsWith('.'));
    return Promise.all(names.sort().map((n) => this.get(n)));
  }

  async get(name: string): Promise<Iso> {
    try {
      return JSON.parse(await readFile(this.path(`${name}${META}`), 'utf8')) as Iso;
    } catch {
      const s = await stat(this.path(name)).catch(() => null);
      if (!s) throw notFound(`ISO ${name}`);
      return { name, sizeBytes: s.size, sha256: '', uploadedAt: s.mtime.toISOString() };
    }
  }

  async has(name: string): Promise<boolean> {
    return (await stat(this.path(name)).catch(() => null)) !== null;
  }

  /** What the stored ISOs take together. */
  async usedBytes(): Promise<number> {
    return (await this.list()).reduce((sum, iso) => sum + iso.sizeBytes, 0);
  }

  /** The store's own quota (the API may set another per host) and what it holds. */
  async usage(): Promise<IsoStoreUsage> {
    return { quotaBytes: this.quotaBytes, usedBytes: await this.usedBytes() };
  }

  /**
   * Streams an upload to a temporary file, hashing as it goes; only a complete CD image within
   * the quota appears. A declared size (content-length) is checked against the size limit, the
   * quota and the free space before the first byte; the bytes are counted again as they come.
   */
  async put(
    name: string,
    body: Readable,
    expectedBytes: number | null = null,
    quotaBytes = this.quotaBytes,
  ): Promise<Iso> {
    await mkdir(this.dir, { recursive: true });
    if (await this.has(name))
      throw conflict(`an ISO named ${name} exists already; delete it first`);
    const used = await this.usedBytes();
    const tmp = this.path(`${UPLOAD_PREFIX}${process.pid}-${Date.now()}-${name}`);
    const hash = createHash('sha256');
    const limit = this.maxBytes;
    const tooLarge = () =>
      new AppError(ErrorCode.tooLarge, `ISO is larger than the ${limit} byte limit`);
    let head: Buffer | null = Buffer.alloc(0);
    const cdImage = (chunk: Buffer) => {
      if (head === null) return null;
      head = Buffer.concat([head, chunk]);
      if (chunk.length > 0 && head.length < ISO_HEAD_BYTES) return null;
      const known = imageFormat(head);
      head = null;
      return known ? null : notAnImage();
    };
    // What this upload has added to `streaming`, taken off again however it ends.
    let counted = 0;
    let size: number;
    try {
      size = await receiveUpload(body, tmp, 0o644, {
        before: async () => {
          if (expectedBytes === null) return;
          if (expectedBytes > limit) throw tooLarge();
          if (used + this.streaming + expectedBytes > quotaBytes) throw overQuota(quotaBytes);
          await assertFreeSpace(this.dir, expectedBytes, `ISO ${name}`);
        },
        chunk: (chunk, total) => {
          counted += chunk.length;
          this.streaming += chunk.length;
          if (total > limit) return tooLarge();
          if (used + this.streaming > quotaBytes) return overQuota(quotaBytes);
          const refusal = cdImage(chunk);
          if (!refusal) hash.update(chunk);
          return refusal;
        },
        // An image shorter than the head is judged on all it has.
        end: () => cdImage(Buffer.alloc(0)),
      });
      await rename(tmp, this.path(name));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    } finally {
      this.streaming -= counted;
    }
    const iso: Iso = {
      name,
      sizeBytes: size,
      sha256: hash.digest('hex'),
      uploadedAt: new Date().toISOString(),
    };
    await writeFile(this.path(`${name}${META}`), JSON.stringify(iso));
    return iso;
  }

  /** Adds a file built on this host (the tiny-linux ISO) unless one by that name exists. */
  async adopt(name: string, source: string): Promise<void> {
    if (await this.has(name)) return;
    await mkdir(this.dir, { recursive: true });
    const tmp = this.path(`.adopt-${name}`);
    await copyFile(source, tmp);
    const data = await readFile(tmp);
    const iso: Iso = {
      name,
      sizeBytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      uploadedAt: new Date().toISOString(),
    };
    await rename(tmp, this.path(name));
    await writeFile(this.path(`${name}${META}`), JSON.stringify(iso));
  }

  async remove(name: string): Promise<void> {
    if (!(await this.has(name))) throw notFound(`ISO ${name}`);
    await rm(this.path(name));
    await rm(this.path(`${name}${META}`), { force: true });
  }
}
