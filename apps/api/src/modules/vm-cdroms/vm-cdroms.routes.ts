import type { FastifyInstance } from 'fastify';
import {
  AddCdDriveRequest,
  CdDriveRef,
  CdMediaRequest,
  InstanceRef,
  VmDiskRef,
  VmDiskSettingsRequest,
  VmDriveChange,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { SyncQuery, TaskAnswer, instanceTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { VmCdromsService } from './vm-cdroms.service.js';

export async function vmCdromRoutes(
  app: FastifyInstance,
  { drives, tasks }: { drives: VmCdromsService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.put(
    '/api/v1/instances/:id/disks/:disk/settings',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Set a VM disk's bus (virtio, scsi, sata, ide) and cache mode (none, writeback, writethrough, directsync, unsafe), as a task. Saved at once and taken at the VM's next start (the result says `applies: next-start`; a running VM lists it in vm.pendingChanges). sata and ide share q35's six AHCI ports with the CD drives: 409 when none is free; 409 while suspended; 404 for a disk the VM does not have.",
        params: VmDiskRef,
        querystring: SyncQuery,
        body: VmDiskSettingsRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.settings',
        { disk: req.params.disk, ...req.body },
        (by) => drives.setDisk(by, req.params.id, req.params.disk, req.body),
      );
    },
  );

  r.post(
    '/api/v1/instances/:id/cd-drives',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Add a CD/DVD drive to a VM (up to 4, drive 0 included), optionally with an ISO from the store, as a task. It is there from the VM's next start (`applies: next-start`). 409 for a fifth drive, when q35's six AHCI ports are taken, or while suspended.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: AddCdDriveRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.cdrom.add',
        { iso: req.body.iso ?? null },
        (by) => drives.addDrive(by, req.params.id, req.body),
      );
    },
  );

  r.delete(
    '/api/v1/instances/:id/cd-drives/:drive',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Remove a CD/DVD drive, as a task: its ISO is ejected at once, the drive goes at the VM's next start. Drive 0 (the instance's `cdrom`) stays: 409. 404 for a drive the VM does not have.",
        params: CdDriveRef,
        querystring: SyncQuery,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.cdrom.remove',
        { drive: req.params.drive },
        (by) => drives.removeDrive(by, req.params.id, req.params.drive),
      );
    },
  );

  r.put(
    '/api/v1/instances/:id/cd-drives/:drive',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Insert an ISO from the store into a CD/DVD drive, or eject with `iso: null`. Live (`applies: live`) in a drive the running VM has; a drive added since, or a stopped VM, takes it at the next start. Drive 0 is the instance's `cdrom`. 400 for an ISO not in the store; 404 for a drive the VM does not have.",
        params: CdDriveRef,
        body: CdMediaRequest,
        response: { 200: VmDriveChange },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.cdrom.media',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { drive: req.params.drive, iso: req.body.iso },
      };
      return drives.setMedia(req.params.id, req.params.drive, req.body);
    },
  );
}
