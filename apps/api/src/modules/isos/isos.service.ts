import type { Iso } from '@berth/contracts';
import { conflict } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';

/** Each host's ISO store; uploads are relayed as they arrive, never buffered here. */
export class IsosService {
  constructor(private readonly hosts: Hosts) {}

  list(hostId?: string): Promise<{ items: Iso[] }> {
    return this.hosts.pick(hostId).client.isos();
  }

  async upload(name: string, body: ReadableStream<Uint8Array>, hostId?: string): Promise<Iso> {
    const { client } = this.hosts.pick(hostId);
    // Asked first: an agent that refuses mid-stream can only drop the connection, which reads as unreachable.
    if ((await client.isos()).items.some((i) => i.name === name)) {
      throw conflict(`an ISO named ${name} exists already; delete it first`);
    }
    return client.putIso(name, body);
  }

  delete(name: string, hostId?: string): Promise<void> {
    return this.hosts.pick(hostId).client.deleteIso(name);
  }
}
