import type { FastifyInstance } from 'fastify';
import {
  AddVmNicRequest,
  InstanceNicRef,
  InstanceNics,
  InstanceRef,
  SetCtAdapterRequest,
  SetNicLinkRequest,
  TaskAccepted,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { NicsService } from './nics.service.js';

/**
 * An instance's adapters: added and removed, any adapter's link up or down, a container
 * adapter's MAC, network and address and the container's gateway and resolver.
 */
export async function nicRoutes(
  app: FastifyInstance,
  { hosts, nics, tasks }: { hosts: Hosts; nics: NicsService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];
  const taskAnswer = { 200: TaskAccepted, 202: TaskAccepted };

  r.get(
    '/api/v1/instances/:id/nics',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "An instance's adapters with their number, network, MAC, static address, link and host device (a VM's tap, a container's veth); `liveAdd` says whether NICs can be added while the VM runs.",
        params: InstanceRef,
        response: { 200: InstanceNics },
      },
    },
    async (req) => {
      const instance = await hosts.findInstance(req.params.id);
      return hosts.client(instance.hostId).instanceNics(instance.id);
    },
  );

  r.post(
    '/api/v1/instances/:id/nics',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Add a NIC to a VM on a network, as a task: a running VM gets it hot-plugged (virtio-net on a PCIe root port of its own; VMs created before NIC hot-plug have none and answer 409 until stopped), a stopped one at its next start. `ipv4` is a static DHCP lease (outside the DHCP range), `mac` defaults to one derived from the VM's id. 400 for an unknown network; 409 for a 9th NIC, a suspended VM or a MAC or address in use. A container gets eth1-eth3 (bridged, no gateway; `ipv4` its static address, else the next free one; no `mac`): live when it runs (a veth pair, its end moved into the container), from its next start when stopped; 409 when frozen, for a 5th adapter, a second on one network, or an address outside the subnet or in use. A host-routed container's extra adapters are bridged ones beside its routed eth0.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: AddVmNicRequest,
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.nic.add',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      const task = await nics.add(principalOf(req).id, req.params.id, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.delete(
    '/api/v1/instances/:id/nics/:nic',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Remove a VM NIC, as a task: a running guest is asked to let it go first (PCIe hot-unplug; a guest that does not within 30 s fails the task and keeps the NIC), then its tap, firewall port, rate limits and static lease go. 409 for a paused or suspended VM, and for a running VM created before NIC hot-plug; 404 for a NIC it does not have. A container loses ethN (1-3) at once (its veth pair deleted) or, stopped, from its next start; eth0 (its default route) is a 409.',
        params: InstanceNicRef,
        querystring: SyncQuery,
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.nic.remove',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { nic: req.params.nic },
      };
      const task = await nics.remove(principalOf(req).id, req.params.id, req.params.nic);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.patch(
    '/api/v1/instances/:id/nics/:nic',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Connect or disconnect an adapter (`link` up or down): a VM NIC's cable through QMP set_link, a container's adapter (ethN) as the host end of its veth. Live when the instance runs, kept in its record for every next start.",
        params: InstanceNicRef,
        body: SetNicLinkRequest,
        response: { 200: InstanceNics },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.nic.link',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { nic: req.params.nic, link: req.body.link },
      };
      const instance = await hosts.findInstance(req.params.id);
      return hosts.client(instance.hostId).setNicLink(instance.id, req.params.nic, req.body);
    },
  );

  r.patch(
    '/api/v1/instances/:id/nics/:nic/settings',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Change an adapter's settings, as a task; only the fields given change. `mac` (any of eth0-eth3; 409 when another adapter on the host has it) is set live inside a running container (`ip link set address` in its network namespace), else from its next start. `network` and `ipv4` move the adapter to another network (an address from there: `ipv4`, else the next free one) or another address, live in a running container (the veth joins the other bridge, the new address replaces the old inside; a host-routed eth0's /32 route and proxy ARP follow its new address); 409 for an address outside the subnet or in use, or a network another of its adapters is on; its DNS name, network membership and firewall table follow at once. `gateway`, `dns` and `dnsSearch` (null removes it) are the container's and go on eth0 only (400 on eth1-eth3): the gateway is the default route (inside eth0's subnet), replaced live when it runs; DNS servers and search domain are written to its /etc/resolv.conf at once (through lxc-attach when it runs, in its image when stopped). A VM NIC takes `mac` (on a running VM the NIC is unplugged and plugged in again with it, as QEMU cannot change a plugged NIC's: the guest sees a new NIC; 409 when paused or made before NIC hot-plug), `network` (live on a running VM: its tap joins the other bridge, and the guest takes an address there at its next DHCP request; the static lease goes unless `ipv4` gives one there) and `ipv4` (its static lease); `gateway`, `dns` and `dnsSearch` are a 400, as its guest takes those from DHCP.",
        params: InstanceNicRef,
        querystring: SyncQuery,
        body: SetCtAdapterRequest,
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.nic.settings',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { nic: req.params.nic, ...req.body },
      };
      const task = await nics.settings(
        principalOf(req).id,
        req.params.id,
        req.params.nic,
        req.body,
      );
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
