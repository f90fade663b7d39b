import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ISO_HEAD_BYTES, imageFormat } from './iso-type.js';

const withDescriptors = (...ids: string[]) => {
  const head = Buffer.alloc(ISO_HEAD_BYTES);
  ids.forEach((id, i) => head.write(id, 0x8001 + i * 2048, 'latin1'));
  return head;
};

test('ISO 9660: CD001 in the first volume descriptor', () => {
  assert.equal(imageFormat(withDescriptors('CD001', 'CD001')), 'iso9660');
  // A minimal image may end right after its descriptor.
  assert.equal(imageFormat(withDescriptors('CD001').subarray(0, 0x8006)), 'iso9660');
});

test('UDF: BEA01 then NSR02 or NSR03, alone or after ISO 9660 descriptors', () => {
  assert.equal(imageFormat(withDescriptors('BEA01', 'NSR03', 'TEA01')), 'udf');
  assert.equal(imageFormat(withDescriptors('CD001', 'CD001', 'BEA01', 'NSR02', 'TEA01')), 'udf');
});

test('anything else is neither', () => {
  assert.equal(imageFormat(Buffer.alloc(ISO_HEAD_BYTES)), null);
  assert.equal(imageFormat(Buffer.from('MZ this is an exe')), null);
  assert.equal(imageFormat(withDescriptors('BEA01', 'TEA01')), null);
  // CD001 anywhere but the sequence's start does not make an ISO.
  const shifted = Buffer.alloc(ISO_HEAD_BYTES);
  shifted.write('CD001', 0x8002, 'latin1');
  assert.equal(imageFormat(shifted), null);
});
