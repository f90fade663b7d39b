import assert from 'node:assert/strict';

/** Bytes a counter grew by against the bytes sent: printed, and within 5 % or the test fails. */
export function assertCounted(what: string, counted: number, sent: number): void {
  const off = Math.abs(counted - sent) / sent;
  console.log(`${what}: counted ${counted} B, sent ${sent} B, off ${(off * 100).toFixed(3)} %`);
  assert.ok(off <= 0.05, `${what}: counted ${counted}, sent ${sent}`);
}
