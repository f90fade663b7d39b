/** An id every uuid schema accepts; no row has it, so lookups by it answer 404. */
export const UUID = '11111111-1111-4111-8111-111111111111';

const PARAMS: Record<string, string> = {
  id: UUID,
  shellId: UUID,
  linkId: UUID,
  name: 'busybox',
  action: 'start',
  kind: 'vnc',
  hostId: 'some-host',
  role: 'operator',
  n: '0',
  snapshot: 'snap1',
  disk: 'disk0.qcow2',
  drive: '1',
  nic: '1',
  port: 'serial1',
  device: 'usb2',
  pool: 'pool1',
  network: 'net1',
  set: 'office',
};
/** A concrete path for a route pattern, with ids the schemas accept. */
export const concrete = (url: string) => url.replace(/:(\w+)/g, (_, p: string) => PARAMS[p] ?? 'x');
