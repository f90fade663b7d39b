import type {
  AddVmDiskRequest,
  ImportableDiskFormat,
  ResizeVmDiskRequest,
  Task,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** A VM's disks after its create, on its host's agent; each change is a task. */
export class VmDisksService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async add(userId: string, id: string, request: AddVmDiskRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.add', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).addVmDisk(instance.id, request),
    );
  }

  async importDisk(
    userId: string,
    id: string,
    body: ReadableStream<Uint8Array>,
    format?: ImportableDiskFormat,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.import', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).importVmDisk(instance.id, body, format),
    );
  }

  async remove(userId: string, id: string, disk: string): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.remove', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).removeVmDisk(instance.id, disk),
    );
  }

  async compact(userId: string, id: string, disk: string): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.compact', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).compactVmDisk(instance.id, disk),
    );
  }

  async resize(
    userId: string,
    id: string,
    disk: string,
    request: ResizeVmDiskRequest,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.resize', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).resizeVmDisk(instance.id, disk, request),
    );
  }
}
