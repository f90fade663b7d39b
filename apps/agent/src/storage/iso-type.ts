/**
 * What an uploaded image is, from its first bytes. Both CD formats start with a volume
 * recognition sequence at sector 16 (byte 0x8000): 2048-byte descriptors whose bytes 1-5 name
 * them. ISO 9660 has "CD001" in the first; UDF has "BEA01" then "NSR02"/"NSR03" (a hybrid disc
 * has CD001 descriptors before them).
 */
const SEQUENCE_START = 0x8000;
const DESCRIPTOR = 2048;
/** Identifiers that may appear in the sequence (ECMA-167 2/9.1, ECMA-119 8.1). */
const KNOWN = new Set(['CD001', 'BEA01', 'NSR02', 'NSR03', 'TEA01', 'BOOT2', 'CDW02']);
const MAX_DESCRIPTORS = 16;

/** How many leading bytes decide the type; a smaller upload is decided on what it has. */
export const ISO_HEAD_BYTES = SEQUENCE_START + DESCRIPTOR * MAX_DESCRIPTORS;

export type ImageFormat = 'iso9660' | 'udf';

export function imageFormat(head: Buffer): ImageFormat | null {
  let iso9660 = false;
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const at = SEQUENCE_START + i * DESCRIPTOR + 1;
    if (head.length < at + 5) break;
    const id = head.toString('latin1', at, at + 5);
    if (!KNOWN.has(id)) break;
    if (id === 'NSR02' || id === 'NSR03') return 'udf';
    if (id === 'CD001' && i === 0) iso9660 = true;
  }
  return iso9660 ? 'iso9660' : null;
}
