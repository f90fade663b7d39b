import type { CtTemplateRef, Limits, ShellSettings } from '@berth/contracts';
import type { SnapshotTree } from '../snapshots/tree.js';
import type { IdRange } from '../storage/id-shift.js';

/** What Berth keeps about a container beside LXC's own config (berth.json in its directory). */
export interface ContainerRecord {
  id: string;
  ctid: number;
  name: string;
  hostname: string;
  template: CtTemplateRef;
  /**
   * lxc.signal.halt of a container made from a custom template (which may be deleted later);
   * a built-in template's own otherwise.
   */
  haltSignal?: string;
  /** address/prefix on the bridge */
  ipv4: string;
  gateway: string;
  /** eth0's static IPv6 address/prefix and its gateway; absent: none (IPv4 only). */
  ipv6?: string;
  gateway6?: string;
  dns: string[];
  /** resolv.conf's search domain, set when the network's DNS was chosen for it at the create. */
  dnsSearch?: string;
  onboot: boolean;
  diskSizeBytes: number;
  description: string;
  tags: string[];
  createdAt: string;
  /** The console shell; absent in records from before consoles. */
  shell?: ShellSettings;
  /**
   * The host ids (users and groups alike) the container's 0…count-1 are; its files are owned by
   * them. Absent means privileged: asked for, or a record from before user namespaces.
   */
  idmap?: IdRange;
  /** Resource limits; the private area's size is diskSizeBytes, never kept here. */
  limits?: Limits;
  /** The storage pool holding the private area; absent in records from before pools (`default`). */
  pool?: string;
  /** The network its adapter is on; absent in records from before networks (`default`). */
  network?: string;
  /** 'routed': host-routed (venet), on no bridge; absent: bridged. */
  networkMode?: 'routed';
  /** 'down': the host end of its veth is set down at every start (a disconnected cable). */
  link?: 'down';
  /** eth0's MAC as set after the create; absent: the one derived from its id (macFor). */
  mac?: string;
  /**
   * Adapters beside eth0 (whose are the fields above), eth1-eth3 by index, bridged; absent in
   * records from before several adapters.
   */
  adapters?: CtAdapter[];
  /** Snapshots of the private area (copy-on-write pools only), as a tree. */
  snapshots?: SnapshotTree;
  /** Refused a start until enabled ("disable" in Parallels Server Bare Metal); absent means enabled. */
  disabled?: boolean;
}

/** A container's adapter beside eth0. */
export interface CtAdapter {
  /** ethN inside, `vc<id8>n<N>` on the host. */
  index: number;
  network: string;
  /** address/prefix on the network's bridge */
  ipv4: string;
  link?: 'down';
  /** Set after the create; absent: the one derived from the container's id and index. */
  mac?: string;
}
