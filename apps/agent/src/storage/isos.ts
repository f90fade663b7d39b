import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Iso } from '@berth/contracts';
import { ErrorCode, conflict, notFound, AppError } from '@berth/contracts';
import { assertFreeSpace, explainNoSpace } from './free-space.js';

const META = '.meta.json';
/** Uploads in progress are written as `.upload-<pid>-…`: the pid tells whose they are. */
export const UPLOAD_PREFIX = '.upload-';

/** The host's ISO store: a flat folder of .iso files (names validated by the contract), each with its checksum. */
export class IsoStore {
  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
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

  /**
   * Streams an upload to a temporary file, hashing as it goes; only a complete upload appears.
   * A declared size (content-length) is checked against the free space before the first byte.
   */
  async put(name: string, body: Readable, expectedBytes: number | null = null): Promise<Iso> {
    await mkdir(this.dir, { recursive: true });
    if (await this.has(name))
      throw conflict(`an ISO named ${name} exists already; delete it first`);
    if (expectedBytes !== null) {
      try {
        if (expectedBytes > this.maxBytes)
          throw new AppError(
            ErrorCode.tooLarge,
            `ISO is larger than the ${this.maxBytes} byte limit`,
          );
        await assertFreeSpace(this.dir, expectedBytes, `ISO ${name}`);
      } catch (err) {
        // Read (and drop) the rest of the body first: a connection closed under a client still
        // sending makes it see a reset instead of this answer (the API proxies uploads).
        await finished(body.resume()).catch(() => undefined);
        throw err;
      }
    }
    const tmp = this.path(`${UPLOAD_PREFIX}${process.pid}-${Date.now()}-${name}`);
    const hash = createHash('sha256');
    let size = 0;
    const limit = this.maxBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit)
          return done(
            new AppError(ErrorCode.tooLarge, `ISO is larger than the ${limit} byte limit`),
          );
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { mode: 0o644 }));
      if (size === 0) throw new AppError(ErrorCode.validation, 'the upload was empty');
      await rename(tmp, this.path(name));
    } catch (err) {
      await rm(tmp, { force: true });
      throw await explainNoSpace(err, tmp);
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
