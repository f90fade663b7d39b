import type {
  CreateNetwork,
  CreateVlan,
  HostAdapter,
  Instance,
  Network,
  SetInstanceNetwork,
  UpdateNetwork,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';

/** A host's virtual networks and adapters: the agent keeps them, the API passes them on. */
export class NetworksService {
  constructor(private readonly hosts: Hosts) {}

  list(hostId?: string): Promise<{ items: Network[] }> {
    return this.hosts.pick(hostId).client.networks();
  }

  show(name: string, hostId?: string): Promise<Network> {
    return this.hosts.pick(hostId).client.network(name);
  }

  create(body: CreateNetwork, hostId?: string): Promise<Network> {
    return this.hosts.pick(hostId).client.createNetwork(body);
  }

  update(name: string, body: UpdateNetwork, hostId?: string): Promise<Network> {
    return this.hosts.pick(hostId).client.updateNetwork(name, body);
  }

  delete(name: string, hostId?: string): Promise<void> {
    return this.hosts.pick(hostId).client.deleteNetwork(name);
  }

  adapters(hostId?: string): Promise<{ items: HostAdapter[] }> {
    return this.hosts.pick(hostId).client.hostAdapters();
  }

  createVlan(body: CreateVlan, hostId?: string): Promise<HostAdapter> {
    return this.hosts.pick(hostId).client.createVlan(body);
  }

  async setInstanceNetwork(id: string, body: SetInstanceNetwork): Promise<Instance> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId as string).setInstanceNetwork(instance.id, body);
  }
}
