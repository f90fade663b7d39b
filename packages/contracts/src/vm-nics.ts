import { z } from 'zod';
import { Ipv4, Ipv4Cidr } from './common.js';
import { ContainerNetworkMode, InstanceRef, NicModel } from './instances.js';
import { DnsDomain, NetworkName } from './networks.js';

/** At most this many NICs per VM (the create's limit too). */
export const MAX_VM_NICS = 8;
/** eth0-eth3 per container: the host end of each veth is named `vc<id8>n<N>` within 15 bytes. */
export const MAX_CT_ADAPTERS = 4;

/**
 * An adapter as the host knows it: a VM NIC's number (its tap and QEMU device are named by it,
 * so removing one from the middle renames none of the others); a container's ethN (0-3).
 */
export const NicNumber = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_VM_NICS - 1);

export const InstanceNicRef = InstanceRef.extend({ nic: NicNumber });

export const LinkState = z.enum(['up', 'down']);
export type LinkState = z.infer<typeof LinkState>;

/** A unicast, locally administered MAC like those the agent makes (52:…). */
export const NicMac = z
  .string()
  .regex(
    /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/,
    'a unicast, locally administered MAC in lower case, like 52:54:00:12:34:56',
  );

/** A NIC added to a VM after its create: hot-plugged when it runs, else there at its next start. */
export const AddVmNicRequest = z.strictObject({
  network: NetworkName,
  ipv4: Ipv4Cidr.optional().describe(
    'a static DHCP lease outside the network’s DHCP range (omitted: DHCP hands it any)',
  ),
  mac: NicMac.optional().describe('omitted: one derived from the VM’s id, as the create does'),
  model: NicModel.optional().describe('a VM’s: virtio (the default) or e1000 (e1000e on q35)'),
});
export type AddVmNicRequest = z.infer<typeof AddVmNicRequest>;

export const SetNicLinkRequest = z.strictObject({ link: LinkState });
export type SetNicLinkRequest = z.infer<typeof SetNicLinkRequest>;

/**
 * A container adapter's settings after its create; only the fields given change. network/ipv4
 * move it (stopped only); gateway, dns and dnsSearch are the container's (eth0 carries its
 * default route), so they are refused for eth1-eth3.
 */
export const SetCtAdapterRequest = z
  .strictObject({
    network: NetworkName.optional().describe(
      'another network; the container must be stopped (its address comes from there: `ipv4`, else the next free one)',
    ),
    ipv4: Ipv4Cidr.optional().describe(
      'address/prefix on its (new) network; 409 outside the subnet or in use; stopped only',
    ),
    mac: NicMac.optional().describe('409 when another adapter on the host has it'),
    gateway: Ipv4.optional().describe('eth0 only: the default route, inside eth0’s subnet'),
    dns: z.array(Ipv4).max(3).optional().describe('eth0 only: resolv.conf’s name servers'),
    dnsSearch: DnsDomain.nullable()
      .optional()
      .describe('eth0 only: resolv.conf’s search domain; null removes it'),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), { message: 'nothing to change' });
export type SetCtAdapterRequest = z.infer<typeof SetCtAdapterRequest>;

export const InstanceNic = z.object({
  nic: z.number().int(),
  network: NetworkName,
  mac: z.string(),
  ipv4: z.string().nullable(),
  link: LinkState,
  /** The host end: a VM's tap, a container's veth. */
  hostDevice: z.string(),
  /** Whether a running VM can let it go live: NICs from before NIC hot-plug sit on the root bus. */
  hotplug: z.boolean(),
  /** routed: a host-routed container adapter (eth0 only); absent: bridged. */
  mode: ContainerNetworkMode.optional(),
  /** A VM NIC's device model. */
  model: NicModel.optional(),
});
export type InstanceNic = z.infer<typeof InstanceNic>;

export const InstanceNics = z.object({
  nics: z.array(InstanceNic),
  /** Whether NICs can be added to this instance while it runs (VMs created with NIC ports). */
  liveAdd: z.boolean(),
  max: z.number().int(),
  /** A container's default gateway and resolver (eth0's; set with PATCH …/nics/0/settings). */
  resolver: z
    .object({ gateway: z.string(), dns: z.array(z.string()), dnsSearch: z.string().nullable() })
    .optional(),
});
export type InstanceNics = z.infer<typeof InstanceNics>;

/** What adding or removing a NIC did: whether the running guest got it now or at its next start. */
export const VmNicChange = z.object({
  nic: z.number().int(),
  live: z.boolean(),
  note: z.string().nullable(),
});
export type VmNicChange = z.infer<typeof VmNicChange>;
