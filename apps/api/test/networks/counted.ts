import assert from 'node:assert/strict';

/** Bytes a counter grew by against the bytes sent: printed, and within 5 % or the test fails. */
export function assertCounted(what: string, counted: number, sent: number): void {
  const off = Math.abs(counted - sent) / sent;
  console.log(`${what}: counted ${counted} B, sent ${sent} B, off ${(off * 100).toFixed(3)} %`);
  assert.ok(off <= 0.05, `${what}: counted ${counted}, sent ${sent}`);
}

/**
 * What an instance table's address checks dropped so far (the packets sent from an address not
 * the instance's, or the ARP asked for them), on one port or, without one, on all.
 */
export function spoofDrops(rules: string, port?: string): number {
  const on = port ? `iifname "${port}" .*` : '';
  const drops = new RegExp(`${on}packets (\\d+) bytes \\d+ drop comment "spoof-(arp-)?ip"`, 'g');
  return [...rules.matchAll(drops)].reduce((sum, m) => sum + Number(m[1]), 0);
}
