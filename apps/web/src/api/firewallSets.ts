import type {
  CreateFirewallSetInput,
  FirewallSet,
  FirewallSetBodyInput,
  FirewallSetList,
  NetworkFirewall,
  NetworkFirewallSettingsInput,
} from '@berth/contracts';
import { http } from './http';

const set = (name: string) => `/firewall/sets/${encodeURIComponent(name)}`;
const networkFw = (network: string) => `/networks/${encodeURIComponent(network)}/firewall`;

export const fetchFirewallSets = (signal?: AbortSignal) =>
  http<FirewallSetList>('/firewall/sets', { signal }).then((r) => r.items);

export const createFirewallSet = (body: CreateFirewallSetInput) =>
  http<FirewallSet>('/firewall/sets', { method: 'POST', body });

export const updateFirewallSet = ({ name, body }: { name: string; body: FirewallSetBodyInput }) =>
  http<FirewallSet>(set(name), { method: 'PUT', body });

export const deleteFirewallSet = (name: string) => http<void>(set(name), { method: 'DELETE' });

export const fetchNetworkFirewall = (network: string, signal?: AbortSignal) =>
  http<NetworkFirewall>(networkFw(network), { signal });

export const saveNetworkFirewall = (network: string, body: NetworkFirewallSettingsInput) =>
  http<NetworkFirewall>(networkFw(network), { method: 'PUT', body });
