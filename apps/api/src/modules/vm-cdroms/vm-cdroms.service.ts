import type {
  AddCdDriveRequest,
  CdMediaRequest,
  Task,
  VmDiskSettingsRequest,
  VmDriveChange,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** A VM's disk buses and cache modes and its CD drives, on its host's agent. */
export class VmCdromsService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async setDisk(
    userId: string,
    id: string,
    disk: string,
    request: VmDiskSettingsRequest,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'disk.settings', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).setVmDiskSettings(instance.id, disk, request),
    );
  }

  async addDrive(userId: string, id: string, request: AddCdDriveRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'cdrom.add', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).addCdDrive(instance.id, request),
    );
  }

  async removeDrive(userId: string, id: string, drive: number): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'cdrom.remove', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).removeCdDrive(instance.id, drive),
    );
  }

  async setMedia(id: string, drive: number, request: CdMediaRequest): Promise<VmDriveChange> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId as string).setCdMedia(instance.id, drive, request);
  }
}
