import { gzipSync } from 'node:zlib';

/** One ustar header: names stay under 100 bytes (the report chooses them). */
function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text, at, len, 'utf8');
  put(name, 0, 100);
  const field = (n: number, at: number, len: number) =>
    h.write(`${n.toString(8).padStart(len - 1, '0')}\0`, at, len, 'ascii');
  field(0o644, 100, 8);
  field(0, 108, 8);
  field(0, 116, 8);
  field(size, 124, 12);
  field(Math.floor(mtime / 1000), 136, 12);
  h.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('berth', 265, 32);
  put('berth', 297, 32);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** A gzipped tar of text files, built in memory: a problem report is a few hundred KB. */
export function tarGz(files: Array<{ name: string; text: string }>, mtime = Date.now()): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const body = Buffer.from(f.text, 'utf8');
    parts.push(
      header(f.name, body.length, mtime),
      body,
      Buffer.alloc((512 - (body.length % 512)) % 512),
    );
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
