import type { ConsoleKind, Instance } from '@berth/contracts';
import { badRequest } from '@berth/contracts';
import type { ConsoleGrant } from './tickets.js';
import type { InputFilter } from './relay.js';
import { RfbViewOnlyFilter } from './rfb-view-only.js';

/** A VM has a screen and a serial port; a container has shells. */
export function checkKind(instance: Pick<Instance, 'kind'>, kind: ConsoleKind): void {
  if (kind === 'shell' && instance.kind !== 'ct') {
    throw badRequest('shells are for containers; a VM has its screen and serial console', 'kind');
  }
  if (kind !== 'shell' && instance.kind !== 'vm') {
    throw badRequest(`containers have no ${kind} console; open a shell`, 'kind');
  }
}

/** The agent's WebSocket for a granted console. */
export function agentPath(grant: ConsoleGrant): string {
  const id = encodeURIComponent(grant.instanceId);
  return grant.kind === 'shell'
    ? `/v1/instances/${id}/shells/${encodeURIComponent(grant.shellId ?? '')}/attach`
    : `/v1/instances/${id}/console/${grant.kind}`;
}

/** What a view-only viewer may still send: the VNC handshake and update requests; nothing else. */
export function viewOnlyFilter(kind: ConsoleKind): InputFilter {
  if (kind !== 'vnc') return () => null;
  const rfb = new RfbViewOnlyFilter();
  return (data) => rfb.push(data);
}
