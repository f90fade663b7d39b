import type { Firewall, FirewallSettingsInput } from '@berth/contracts';
import { http } from './http';

const path = (id: string) => `/instances/${encodeURIComponent(id)}/firewall`;

export const fetchFirewall = (id: string, signal?: AbortSignal) =>
  http<Firewall>(path(id), { signal });
export const saveFirewall = (id: string, body: FirewallSettingsInput) =>
  http<Firewall>(path(id), { method: 'PUT', body });
