import type { AddVmUsbRequest, AddVmUsbStorageQuery, Task } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** A VM's USB devices on its host's agent; each change is a task (a hot-plug under a running VM). */
export class VmUsbService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async add(userId: string, id: string, request: AddVmUsbRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'usb.add', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).addVmUsb(instance.id, request),
    );
  }

  async addStorage(
    userId: string,
    id: string,
    body: ReadableStream<Uint8Array>,
    query: AddVmUsbStorageQuery,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'usb.add', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).addVmUsbStorage(instance.id, body, query),
    );
  }

  async remove(userId: string, id: string, device: string): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'usb.remove', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).removeVmUsb(instance.id, device),
    );
  }
}
