import { randomUUID } from 'node:crypto';
import {
  type HostUpdates,
  LicenseDocument,
  type AgentLicense,
  type InstallLicense,
  AppError,
  ErrorCode,
  type AgentEvent,
  type AgentSample,
  type CloneRequest,
  type CreatePool,
  type CreateNetwork,
  type HostAdapter,
  type Network,
  type UpdateNetwork,
  type VxlanSettings,
  type MoveRequest,
  type DisableRequest,
  type RenameRequest,
  type HostFacts,
  type Instance,
  type VmHardwareRequest,
  type InstanceAction,
  type Leftover,
  type Operation,
  type Pool,
  type OperationLog,
  type ShellSession,
  type Snapshot,
  type SnapshotList,
  FirewallSettings,
  type FirewallSettingsInput,
  CreateFirewallSet,
  type CreateFirewallSetInput,
  FirewallSetBody,
  type FirewallSetBodyInput,
  type FirewallRule,
  NetworkFirewallSettings,
  type NetworkFirewallSettingsInput,
  badRequest,
  conflict,
  setNamed,
  MAX_VM_NICS,
  MAX_CT_ADAPTERS,
  MAX_CD_DRIVES,
  type AddCdDriveRequest,
  type CdMediaRequest,
  type AddVmNicRequest,
  type InstanceNics,
  type SetNicLinkRequest,
  type SetCtAdapterRequest,
  NetworkClasses,
  type NetworkClassesInput,
  OTHER_CLASS,
} from '@berth/contracts';
import type { WebSocket } from 'ws';
import type { AgentApi } from '../../src/modules/hosts/agent-api.js';

const now = () => new Date().toISOString();

export function fakeInstance(over: Partial<Instance> = {}): Instance {
  return {
    id: randomUUID(),
    kind: 'ct',
    ctid: 100,
    privileged: false,
    nics: [{ network: 'default', mac: null, ipv4: '10.0.3.10/24' }],
    name: 'box',
    hostname: 'box',
    hostId: null,
    state: 'stopped',
    template: 'busybox',
    ips: [],
    dns: [],
    uptimeSeconds: null,
    onboot: false,
    diskSizeBytes: 0,
    description: '',
    tags: [],
    createdAt: now(),
    vm: null,
    shell: null,
    limits: {},
    effectiveLimits: null,
    limitsDiffer: [],
    disabled: false,
    pool: 'default',
    ...over,
  };
}

export function fakeOperation(over: Partial<Operation> = {}): Operation {
  return {
    id: randomUUID(),
    kind: 'instance.start',
    target: null,
    status: 'running',
    progress: 0,
    message: null,
    result: null,
    error: null,
    createdAt: now(),
    finishedAt: null,
    ...over,
  };
}

export function fakeNetwork(over: Partial<Network> = {}): Network {
  return {
    name: 'net',
    bridge: 'bn-net',
    ipv4: '10.210.0.1/24',
    ipv6: null,
    nat: true,
    dhcp: { enabled: true, first: '10.210.0.192', last: '10.210.0.254' },
    mtu: 1500,
    dnsDomain: null,
    vxlan: null,
    default: false,
    up: true,
    instances: [],
    createdAt: now(),
    ...over,
  };
}

/** A network's overlay as the agent describes it: its device named after the bridge, up. */
function fakeVxlan(v: VxlanSettings | null, bridge: string): Network['vxlan'] {
  return v && { ...v, local: v.local ?? null, device: `${bridge.slice(0, 12)}-vx`, up: true };
}

export function fakePool(over: Partial<Pool> = {}): Pool {
  return {
    name: 'pool',
    driver: 'dir',
    source: '/var/lib/berth/agent/images',
    default: false,
    capabilities: { snapshots: false, linkedClones: false },
    usedBytes: 0,
    freeBytes: 2 ** 30,
    totalBytes: 2 ** 31,
    available: true,
    instances: [],
    createdAt: now(),
    ...over,
  };
}

const facts: HostFacts = {
  hostname: 'fake',
  kernel: '6.1.0',
  cpus: 2,
  memoryBytes: 2 ** 31,
  memoryAvailableBytes: 2 ** 30,
  diskBytes: 2 ** 34,
  diskAvailableBytes: 2 ** 33,
  loadAverage: [0, 0, 0],
  lxcVersion: '5.0.2',
  qemuVersion: null,
  virtualization: 'tcg',
  agentVersion: 'fake',
  network: { bridge: 'fakebr0', cidr: '10.99.0.1/24' },
  storage: { growInUse: true },
  security: { userNamespaces: true, apparmor: false, seccomp: true },
  cgroup: {
    version: 'v1',
    controllers: ['cpu', 'cpuset', 'memory', 'blkio', 'pids'],
    swapAccounting: true,
  },
  lxcfs: { running: false, reason: 'fake agent' },
  leftovers: [],
};

const notFoundError = (what: string) => new AppError(ErrorCode.notFound, `${what} not found`);

/**
 * An agent in memory: it holds instances, accepts work as running operations, and fails a
 * method on demand with the AppError a real agent's answer would become.
 */
export class FakeAgent implements AgentApi {
  readonly instances = new Map<string, Instance>();
  readonly shells: ShellSession[] = [];
  /** Every call, as "method arg", for checking that the agent was (not) asked. */
  readonly calls: string[] = [];
  readonly operations = new Map<string, Operation>();
  /** What each operation logged; tests put lines here. */
  readonly logs = new Map<string, OperationLog>();
  /** What the agent moved aside; tests put leftovers here. */
  readonly quarantined: Leftover[] = [];
  private readonly failures = new Map<string, AppError | Error>();
  private emit: (event: AgentEvent) => void = () => undefined;

  constructor(readonly url = 'http://fake-agent') {}

  add(over: Partial<Instance> = {}): Instance {
    const instance = fakeInstance(over);
    this.instances.set(instance.id, instance);
    return instance;
  }

  /** The next call of `method` throws `err`. */
  failNext(method: keyof AgentApi, err: AppError | Error): void {
    this.failures.set(method, err);
  }

  /** Sends an event down the API's open event stream. */
  send(event: AgentEvent): void {
    this.emit(event);
  }

  private call(method: keyof AgentApi, arg = ''): void {
    this.calls.push(`${method} ${arg}`.trim());
    const err = this.failures.get(method);
    if (err) {
      this.failures.delete(method);
      throw err;
    }
  }

  private find(idOrCtid: string): Instance {
    const found = [...this.instances.values()].find(
      (i) => i.id === idOrCtid || String(i.ctid) === idOrCtid,
    );
    if (!found) throw notFoundError(idOrCtid);
    return found;
  }

  private accepted(kind: string, target: string | null) {
    const operation = fakeOperation({ kind, target });
    this.operations.set(operation.id, operation);
    return { operation };
  }

  async facts() {
    this.call('facts');
    return facts;
  }
  /** The host's own license; the API verified it before sending. */
  licenseDoc: LicenseDocument | null = null;
  async license(): Promise<AgentLicense> {
    this.call('license');
    return { license: this.licenseDoc, fact: null };
  }
  async putLicense(body: InstallLicense): Promise<AgentLicense> {
    this.call('putLicense');
    this.licenseDoc = LicenseDocument.parse(JSON.parse(body.license));
    return this.license();
  }
  async deleteLicense() {
    this.call('deleteLicense');
    this.licenseDoc = null;
  }
  async diagnostics() {
    this.call('diagnostics');
    return { items: [] };
  }
  /** What the host's apt lists as upgradable; tests set packages. */
  hostUpdates: HostUpdates = {
    berthVersion: '0.1.0',
    checkedAt: null,
    packages: [],
    error: null,
    applying: null,
  };
  async updates(refresh: boolean) {
    this.call('updates', String(refresh));
    return this.hostUpdates;
  }
  async applyUpdates(body: { simulate: boolean }) {
    this.call('applyUpdates', String(body.simulate));
    return this.accepted('host.upgrade', null);
  }
  async containerUpdates(id: string) {
    this.call('containerUpdates', id);
    return { instanceId: this.find(id).id, checkedAt: new Date().toISOString(), packages: [] };
  }
  async templatePackages(name: string) {
    this.call('templatePackages', name);
    return { template: name, builtAt: null, packages: null };
  }
  async applyContainerUpdates(id: string) {
    this.call('applyContainerUpdates', id);
    return this.accepted('instance.upgrade', this.find(id).id);
  }
  async templates() {
    this.call('templates');
    return { items: [] };
  }
  async buildTemplate(name: string) {
    this.call('buildTemplate', name);
    return this.accepted('template.build', name);
  }
  async leftovers() {
    this.call('leftovers');
    return { items: [...this.quarantined] };
  }
  async deleteLeftover(id: string) {
    this.call('deleteLeftover', id);
    const at = this.quarantined.findIndex((l) => l.id === id);
    if (at < 0) throw notFoundError(`leftover ${id}`);
    this.quarantined.splice(at, 1);
  }
  async isos() {
    this.call('isos');
    return { items: [] };
  }
  async isoStore() {
    this.call('isoStore');
    return { quotaBytes: 64 * 1024 ** 3, usedBytes: 0 };
  }
  async putIso(name: string): Promise<never> {
    this.call('putIso', name);
    throw new Error('not faked');
  }
  async deleteIso(name: string) {
    this.call('deleteIso', name);
  }
  async listInstances() {
    this.call('listInstances');
    return { items: [...this.instances.values()] };
  }
  async getInstance(id: string) {
    this.call('getInstance', id);
    return this.find(id);
  }
  async createInstance() {
    this.call('createInstance');
    return this.accepted('instance.create', randomUUID());
  }
  /** Applies the settings that need no host (a new object: callers may hold the old one). */
  async updateInstance(
    id: string,
    patch: Partial<Pick<Instance, 'description' | 'tags' | 'onboot'>>,
  ) {
    this.call('updateInstance', id);
    const { description, tags, onboot } = patch;
    const found = this.find(id);
    const updated = {
      ...found,
      ...(description === undefined ? {} : { description }),
      ...(tags === undefined ? {} : { tags }),
      ...(onboot === undefined ? {} : { onboot }),
    };
    this.instances.set(found.id, updated);
    return updated;
  }
  async action(id: string, action: InstanceAction) {
    this.call('action', `${id} ${action}`);
    return this.accepted(`instance.${action}`, this.find(id).id);
  }
  async unprivilege(id: string) {
    this.call('unprivilege', id);
    return this.accepted('instance.unprivilege', this.find(id).id);
  }
  /** Snapshot trees per instance id; a container has none (no copy-on-write pool here). */
  readonly snapshotTrees = new Map<string, { items: Snapshot[]; current: string | null }>();
  private snapshotTree(id: string) {
    const instance = this.find(id);
    if (instance.kind === 'ct') {
      throw new AppError(
        ErrorCode.conflict,
        'container snapshots need a copy-on-write storage pool',
      );
    }
    const tree = this.snapshotTrees.get(instance.id) ?? { items: [], current: null };
    this.snapshotTrees.set(instance.id, tree);
    return { instance, tree };
  }
  private snapshotIn(tree: { items: Snapshot[] }, name: string): Snapshot {
    const found = tree.items.find((s) => s.name === name);
    if (!found) throw notFoundError(`snapshot ${name}`);
    return found;
  }
  async snapshots(id: string): Promise<SnapshotList> {
    this.call('snapshots', id);
    if (this.find(id).kind === 'ct') {
      return {
        items: [],
        current: null,
        supported: { snapshots: false, memory: false, reason: 'no copy-on-write pool' },
      };
    }
    const { instance, tree } = this.snapshotTree(id);
    return {
      ...tree,
      supported: { snapshots: true, memory: instance.state === 'running', reason: null },
    };
  }
  async takeSnapshot(
    id: string,
    body: { name: string; description?: string; withMemory?: boolean },
  ) {
    this.call('takeSnapshot', `${id} ${body.name}`);
    const { instance, tree } = this.snapshotTree(id);
    if (tree.items.some((s) => s.name === body.name)) {
      throw new AppError(ErrorCode.conflict, `a snapshot named ${body.name} exists already`);
    }
    tree.items.push({
      name: body.name,
      parent: tree.current,
      description: body.description ?? '',
      createdAt: now(),
      withMemory: body.withMemory ?? false,
      sizeBytes: null,
    });
    tree.current = body.name;
    return this.accepted('snapshot.create', instance.id);
  }
  async revertSnapshot(id: string, name: string) {
    this.call('revertSnapshot', `${id} ${name}`);
    const { instance, tree } = this.snapshotTree(id);
    tree.current = this.snapshotIn(tree, name).name;
    return this.accepted('snapshot.revert', instance.id);
  }
  async deleteSnapshot(id: string, name: string) {
    this.call('deleteSnapshot', `${id} ${name}`);
    const { instance, tree } = this.snapshotTree(id);
    const gone = this.snapshotIn(tree, name);
    tree.items = tree.items
      .filter((s) => s !== gone)
      .map((s) => (s.parent === name ? { ...s, parent: gone.parent } : s));
    if (tree.current === name) tree.current = gone.parent;
    return this.accepted('snapshot.delete', instance.id);
  }
  /** Storage pools: the dir pool `default` and what tests create. */
  readonly storagePools: Pool[] = [fakePool({ name: 'default', default: true })];
  async cloneInstance(id: string, body: CloneRequest) {
    this.call('cloneInstance', `${id} ${body.name} ${body.mode}`);
    this.find(id);
    return this.accepted('instance.clone', randomUUID());
  }
  async moveInstance(id: string, body: MoveRequest) {
    this.call('moveInstance', `${id} ${body.pool}`);
    return this.accepted('instance.move', this.find(id).id);
  }
  async renameInstance(id: string, body: RenameRequest) {
    this.call('renameInstance', `${id} ${body.name}`);
    const found = this.find(id);
    const taken = [...this.instances.values()].some(
      (i) => i.id !== found.id && i.name.toLowerCase() === body.name.toLowerCase(),
    );
    if (taken)
      throw new AppError(ErrorCode.conflict, `an instance named ${body.name} exists already`);
    const renamed = { ...found, name: body.name, hostname: body.hostname ?? found.hostname };
    this.instances.set(found.id, renamed);
    return renamed;
  }
  async setDisabled(id: string, body: DisableRequest) {
    this.call('setDisabled', `${id} ${body.disabled}`);
    const found = { ...this.find(id), disabled: body.disabled };
    this.instances.set(found.id, found);
    return found;
  }
  async convertToTemplate(id: string) {
    this.call('convertToTemplate', id);
    return this.accepted('instance.template', this.find(id).id);
  }
  async deleteTemplate(name: string) {
    this.call('deleteTemplate', name);
  }
  async exportTemplate(name: string) {
    this.call('exportTemplate', name);
    const bytes = new TextEncoder().encode(`export of ${name}`);
    return { body: new Blob([bytes]).stream(), sizeBytes: bytes.length };
  }
  async importTemplate(name: string, body: ReadableStream<Uint8Array>) {
    this.call('importTemplate', name);
    const sizeBytes = (await new Response(body).arrayBuffer()).byteLength;
    return {
      name,
      description: 'imported',
      loginHint: null,
      kind: 'ct' as const,
      cached: true,
      building: false,
      sizeBytes,
      builtAt: new Date(0).toISOString(),
      custom: true,
    };
  }
  async reinstallInstance(id: string) {
    this.call('reinstallInstance', id);
    return this.accepted('instance.reinstall', this.find(id).id);
  }
  async pools() {
    this.call('pools');
    return { items: [...this.storagePools] };
  }
  async createPool(body: CreatePool) {
    this.call('createPool', body.name);
    if (this.storagePools.some((p) => p.name === body.name)) {
      throw new AppError(ErrorCode.conflict, `a storage pool named ${body.name} exists already`);
    }
    const pool = fakePool({
      name: body.name,
      driver: 'btrfs',
      capabilities: { snapshots: true, linkedClones: true },
    });
    this.storagePools.push(pool);
    return pool;
  }
  private pool(name: string): Pool {
    const found = this.storagePools.find((p) => p.name === name);
    if (!found) throw notFoundError(`storage pool ${name}`);
    return found;
  }
  async setDefaultPool(name: string) {
    this.call('setDefaultPool', name);
    const pool = this.pool(name);
    for (const p of this.storagePools) p.default = p === pool;
    return pool;
  }
  async deletePool(name: string) {
    this.call('deletePool', name);
    this.storagePools.splice(this.storagePools.indexOf(this.pool(name)), 1);
  }
  /** Firewall settings by instance id, as PUT last. */
  readonly firewalls = new Map<string, FirewallSettings>();
  /** Networks: `default` and what tests create; instances are named on none. */
  readonly virtualNetworks: Network[] = [fakeNetwork({ name: 'default', default: true })];
  private network_(name: string): Network {
    const found = this.virtualNetworks.find((n) => n.name === name);
    if (!found) throw notFoundError(`network ${name}`);
    return found;
  }
  async networks() {
    this.call('networks');
    return { items: [...this.virtualNetworks] };
  }
  async network(name: string) {
    this.call('network', name);
    return this.network_(name);
  }
  async createNetwork(body: CreateNetwork) {
    this.call('createNetwork', body.name);
    if (this.virtualNetworks.some((n) => n.name === body.name)) {
      throw new AppError(ErrorCode.conflict, `a network named ${body.name} exists already`);
    }
    const network = fakeNetwork({
      name: body.name,
      bridge: body.bridge ?? `bn-${body.name}`,
      ipv4: body.ipv4,
      ipv6: body.ipv6,
      nat: body.nat,
    });
    network.vxlan = fakeVxlan(body.vxlan, network.bridge);
    this.virtualNetworks.push(network);
    return network;
  }
  async updateNetwork(name: string, body: UpdateNetwork) {
    this.call('updateNetwork', name);
    const { dnsDomain = this.network_(name).dnsDomain, vxlan, ...rest } = body;
    const network = this.network_(name);
    return Object.assign(network, {
      ...rest,
      dnsDomain,
      vxlan: vxlan === undefined ? network.vxlan : fakeVxlan(vxlan, network.bridge),
      dhcp: this.network_(name).dhcp,
    });
  }
  async deleteNetwork(name: string) {
    this.call('deleteNetwork', name);
    this.virtualNetworks.splice(this.virtualNetworks.indexOf(this.network_(name)), 1);
  }
  async instanceNics(id: string): Promise<InstanceNics> {
    this.call('instanceNics', id);
    const found = this.find(id);
    return {
      nics: found.nics.map((n, i) => ({
        nic: i,
        network: n.network,
        mac: n.mac ?? `52:54:00:00:00:0${i}`,
        ipv4: n.ipv4,
        link: 'up' as const,
        hostDevice: `vt${found.id.slice(0, 8)}${i}`,
        hotplug: found.kind === 'vm',
      })),
      liveAdd: found.kind === 'vm',
      max: found.kind === 'vm' ? MAX_VM_NICS : MAX_CT_ADAPTERS,
    };
  }
  /** Refuses as the agent does before its operation starts: an unknown network, a 9th NIC, a 5th container adapter. */
  async addNic(id: string, body: AddVmNicRequest) {
    this.call('addNic', id);
    const found = this.find(id);
    if (!this.virtualNetworks.some((n) => n.name === body.network)) {
      throw badRequest(`there is no network named ${body.network}`, 'network');
    }
    const max = found.kind === 'vm' ? MAX_VM_NICS : MAX_CT_ADAPTERS;
    if (found.nics.length >= max) throw conflict(`the instance has ${max} adapters already`);
    found.nics.push({ network: body.network, mac: body.mac ?? null, ipv4: body.ipv4 ?? null });
    return this.accepted('nic.add', found.id);
  }
  async removeNic(id: string, nic: number) {
    this.call('removeNic', `${id} ${nic}`);
    const found = this.find(id);
    if (!found.nics[nic]) throw notFoundError(`NIC ${nic}`);
    if (found.kind === 'ct' && nic === 0) throw conflict('eth0 carries the default route');
    return this.accepted('nic.remove', found.id);
  }
  async setNicLink(id: string, nic: number, body: SetNicLinkRequest) {
    this.call('setNicLink', `${id} ${nic} ${body.link}`);
    const list = await this.instanceNics(id);
    if (!list.nics[nic]) throw notFoundError(`NIC ${nic}`);
    list.nics[nic]!.link = body.link;
    return list;
  }
  /** Refuses as the agent does before its operation starts, and keeps what it was given. */
  async setNicSettings(id: string, nic: number, body: SetCtAdapterRequest) {
    this.call('setNicSettings', `${id} ${nic}`);
    const found = this.find(id);
    const vm = found.kind === 'vm';
    const adapter = found.nics[nic];
    if (!adapter) throw notFoundError(`adapter eth${nic}`);
    for (const field of ['gateway', 'dns', 'dnsSearch'] as const) {
      if ((vm || nic !== 0) && body[field] !== undefined) {
        throw badRequest(`${field} is the container’s: set it on eth0`, field);
      }
    }
    if (body.network && !this.virtualNetworks.some((n) => n.name === body.network)) {
      throw badRequest(`there is no network named ${body.network}`, 'network');
    }
    const holder = [...this.instances.values()].find((i) =>
      i.nics.some((n) => n !== adapter && n.mac === body.mac),
    );
    if (body.mac && holder) throw conflict(`MAC ${body.mac} is taken by ${holder.name}`, 'mac');
    if (body.network) adapter.network = body.network;
    if (body.ipv4) adapter.ipv4 = body.ipv4;
    if (body.mac) adapter.mac = body.mac;
    if (body.dns) found.dns = body.dns;
    return this.accepted('instance.nic.settings', found.id);
  }
  async setInstanceNetwork(id: string) {
    this.call('setInstanceNetwork', id);
    return this.find(id);
  }
  async setVmHardware(id: string, body: VmHardwareRequest) {
    this.call('setVmHardware', id);
    const found = this.find(id);
    if (!found.vm)
      throw new AppError(
        ErrorCode.validation,
        'firmware, machine type, CPU model and boot order are VM settings',
      );
    const vm = {
      ...found.vm,
      ...(body.firmware && { firmware: body.firmware }),
      ...(body.machine && { machine: body.machine }),
      ...(body.cpuModel !== undefined && { cpuModel: body.cpuModel }),
      ...(body.boot && { boot: body.boot }),
    };
    this.instances.set(found.id, { ...found, vm });
    return { instance: this.find(id), applies: 'next-start' as const };
  }
  async vmHardwareChoices() {
    this.call('vmHardwareChoices');
    return { machines: ['q35', 'pc-q35-7.2'], cpuModels: ['max', 'qemu64'], uefi: true };
  }
  async firewall(id: string) {
    this.call('firewall', id);
    this.find(id);
    const settings = this.firewalls.get(id) ?? FirewallSettings.parse({});
    return {
      ...settings,
      counters: settings.rules.map(() => ({ packets: 0, bytes: 0 })),
      table: null,
    };
  }
  async setFirewall(id: string, body: FirewallSettingsInput) {
    this.call('setFirewall', id);
    this.find(id);
    const settings = FirewallSettings.parse(body);
    this.refuseUnknownSets(settings.rules);
    this.firewalls.set(id, settings);
    return this.firewall(id);
  }
  /** Address sets and networks' rules, as PUT last; like the agent's, `@name` must exist. */
  readonly addressSets = new Map<string, FirewallSetBody>();
  networkClassList: NetworkClasses = { classes: [] };
  async networkClasses() {
    this.call('networkClasses');
    return this.networkClassList;
  }
  async setNetworkClasses(body: NetworkClassesInput) {
    this.call('setNetworkClasses');
    this.networkClassList = NetworkClasses.parse(body);
    return this.networkClassList;
  }
  /** Bytes every instance sent to each class (it got twice as many), one packet each way. */
  classBytes = 1000;
  async classCounters() {
    this.call('classCounters');
    const names = [...this.networkClassList.classes.map((c) => c.name), OTHER_CLASS];
    return {
      items: [...this.instances.keys()].map((instanceId) => ({
        instanceId,
        since: '2026-01-01T00:00:00.000Z',
        classes: names.map((name) => ({
          class: name,
          inBytes: 2 * this.classBytes,
          outBytes: this.classBytes,
          inPackets: 1,
          outPackets: 1,
        })),
      })),
    };
  }
  readonly networkFirewalls = new Map<string, NetworkFirewallSettings>();
  private refuseUnknownSets(rules: readonly FirewallRule[]) {
    rules.forEach((rule, i) => {
      for (const field of ['source', 'destination'] as const) {
        const set = setNamed(rule[field]);
        if (set !== null && !this.addressSets.has(set)) {
          throw badRequest(`there is no address set named ${set}`, `rules.${i}.${field}`);
        }
      }
    });
  }
  async networkFirewall(network: string) {
    this.call('networkFirewall', network);
    this.network_(network);
    const settings = this.networkFirewalls.get(network) ?? NetworkFirewallSettings.parse({});
    return {
      ...settings,
      counters: settings.rules.map(() => ({ packets: 0, bytes: 0 })),
      instances: 0,
    };
  }
  async setNetworkFirewall(network: string, body: NetworkFirewallSettingsInput) {
    this.call('setNetworkFirewall', network);
    this.network_(network);
    const settings = NetworkFirewallSettings.parse(body);
    this.refuseUnknownSets(settings.rules);
    this.networkFirewalls.set(network, settings);
    return this.networkFirewall(network);
  }
  private firewallSetView(name: string) {
    const body = this.addressSets.get(name);
    if (!body) throw notFoundError(`address set ${name}`);
    const uses = (rules: readonly FirewallRule[]) =>
      rules.some((r) => setNamed(r.source) === name || setNamed(r.destination) === name);
    return {
      name,
      ...body,
      usedBy: {
        instances: [...this.firewalls]
          .filter(([, fw]) => uses(fw.rules))
          .map(([id]) => ({ id, name: this.find(id).name })),
        networks: [...this.networkFirewalls].filter(([, fw]) => uses(fw.rules)).map(([n]) => n),
      },
    };
  }
  async firewallSets() {
    this.call('firewallSets');
    return { items: [...this.addressSets.keys()].sort().map((n) => this.firewallSetView(n)) };
  }
  async firewallSet(name: string) {
    this.call('firewallSet', name);
    return this.firewallSetView(name);
  }
  async createFirewallSet(body: CreateFirewallSetInput) {
    this.call('createFirewallSet', body.name);
    const { name, ...rest } = CreateFirewallSet.parse(body);
    if (this.addressSets.has(name)) {
      throw conflict(`there is already an address set named ${name}`, 'name');
    }
    this.addressSets.set(name, rest);
    return this.firewallSetView(name);
  }
  async updateFirewallSet(name: string, body: FirewallSetBodyInput) {
    this.call('updateFirewallSet', name);
    this.firewallSetView(name);
    this.addressSets.set(name, FirewallSetBody.parse(body));
    return this.firewallSetView(name);
  }
  async deleteFirewallSet(name: string) {
    this.call('deleteFirewallSet', name);
    const { usedBy } = this.firewallSetView(name);
    const users = [...usedBy.instances.map((i) => i.name), ...usedBy.networks];
    if (users.length > 0) {
      throw conflict(`address set ${name} is used by the rules of ${users.join(', ')}`);
    }
    this.addressSets.delete(name);
  }
  async hostAdapters() {
    this.call('hostAdapters');
    return {
      items: [
        {
          name: 'eth0',
          kind: 'ethernet',
          state: 'UP',
          mtu: 1500,
          mac: '52:54:00:00:00:01',
          addresses: ['192.0.2.10/24'],
          speedMbps: 1000,
          rxBytes: 1,
          txBytes: 2,
          master: null,
        },
      ],
    };
  }
  async createVlan(): Promise<HostAdapter> {
    this.call('createVlan');
    throw new AppError(ErrorCode.unsupported, 'this kernel has no 802.1Q VLAN support');
  }
  async addVmDisk(id: string) {
    this.call('addVmDisk', id);
    return this.accepted('disk.add', this.find(id).id);
  }
  async importVmDisk(id: string, body: ReadableStream<Uint8Array>) {
    this.call('importVmDisk', id);
    await body.cancel();
    return this.accepted('disk.import', this.find(id).id);
  }
  async removeVmDisk(id: string, disk: string) {
    this.call('removeVmDisk', `${id} ${disk}`);
    return this.accepted('disk.remove', this.find(id).id);
  }
  async compactVmDisk(id: string, disk: string) {
    this.call('compactVmDisk', `${id} ${disk}`);
    return this.accepted('disk.compact', this.find(id).id);
  }
  async resizeVmDisk(id: string, disk: string) {
    this.call('resizeVmDisk', `${id} ${disk}`);
    return this.accepted('disk.resize', this.find(id).id);
  }
  async setVmDiskSettings(id: string, disk: string) {
    this.call('setVmDiskSettings', `${id} ${disk}`);
    const found = this.find(id);
    if (!found.vm?.disks.some((d) => d.name === disk)) throw notFoundError(`disk ${disk}`);
    return this.accepted('disk.settings', found.id);
  }
  /** The drives as the agent lists them; refusals as the agent's: a fifth drive, drive 0, one it lacks. */
  private cdDrives(id: string) {
    const found = this.find(id);
    if (!found.vm) throw badRequest('disk buses and CD drives are VM hardware');
    return { found, drives: found.vm.cdDrives ?? [{ drive: 0, iso: found.vm.cdrom }] };
  }
  async addCdDrive(id: string, body: AddCdDriveRequest) {
    this.call('addCdDrive', id);
    const { found, drives } = this.cdDrives(id);
    if (drives.length >= MAX_CD_DRIVES) {
      throw conflict(`the VM has ${MAX_CD_DRIVES} CD drives, as many as it can have`);
    }
    const drive = [1, 2, 3].find((n) => !drives.some((d) => d.drive === n))!;
    const cdDrives = [...drives, { drive, iso: body.iso ?? null }];
    this.instances.set(found.id, { ...found, vm: { ...found.vm!, cdDrives } });
    return this.accepted('cdrom.add', found.id);
  }
  async removeCdDrive(id: string, drive: number) {
    this.call('removeCdDrive', `${id} ${drive}`);
    const { found, drives } = this.cdDrives(id);
    if (drive === 0) throw conflict("drive 0 is the VM's `cdrom` and stays");
    if (!drives.some((d) => d.drive === drive)) throw notFoundError(`CD drive ${drive}`);
    const cdDrives = drives.filter((d) => d.drive !== drive);
    this.instances.set(found.id, { ...found, vm: { ...found.vm!, cdDrives } });
    return this.accepted('cdrom.remove', found.id);
  }
  async setCdMedia(id: string, drive: number, body: CdMediaRequest) {
    this.call('setCdMedia', `${id} ${drive}`);
    const { found, drives } = this.cdDrives(id);
    if (!drives.some((d) => d.drive === drive)) throw notFoundError(`CD drive ${drive}`);
    const cdDrives = drives.map((d) => (d.drive === drive ? { drive, iso: body.iso } : d));
    const cdrom = drive === 0 ? body.iso : found.vm!.cdrom;
    this.instances.set(found.id, { ...found, vm: { ...found.vm!, cdrom, cdDrives } });
    return { instance: this.find(id), applies: 'next-start' as const };
  }
  async vmDevices(id: string) {
    this.call('vmDevices', id);
    this.find(id);
    const console = { name: 'serial0', kind: 'serial', target: 'console' } as const;
    return {
      ports: [{ ...console, pending: null, logBytes: null }],
      usb: [
        { name: 'tablet', kind: 'tablet' as const, pending: null, sizeBytes: null, attached: null },
      ],
    };
  }
  async addVmPort(id: string) {
    this.call('addVmPort', id);
    this.find(id);
    return { device: 'serial1', applies: 'next-start' as const, note: null };
  }
  async removeVmPort(id: string, port: string) {
    this.call('removeVmPort', `${id} ${port}`);
    this.find(id);
    return { device: port, applies: 'next-start' as const, note: null };
  }
  async vmPortLog(id: string, port: string) {
    this.call('vmPortLog', `${id} ${port}`);
    this.find(id);
    const text = new TextEncoder().encode('hello from ttyS1\n');
    return { body: new Blob([text]).stream(), sizeBytes: text.length };
  }
  async addVmUsb(id: string) {
    this.call('addVmUsb', id);
    return this.accepted('usb.add', this.find(id).id);
  }
  async addVmUsbStorage(id: string, body: ReadableStream<Uint8Array>) {
    this.call('addVmUsbStorage', id);
    await body.cancel();
    return this.accepted('usb.add', this.find(id).id);
  }
  async removeVmUsb(id: string, device: string) {
    this.call('removeVmUsb', `${id} ${device}`);
    return this.accepted('usb.remove', this.find(id).id);
  }
  async exec(id: string) {
    this.call('exec', id);
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
  }
  async deleteInstance(id: string) {
    this.call('deleteInstance', id);
    return this.accepted('instance.delete', this.find(id).id);
  }
  async screenshot(id: string) {
    this.call('screenshot', id);
    return Buffer.alloc(0);
  }
  async processes(id: string) {
    this.call('processes', id);
    this.find(id);
    return { source: 'cgroup' as const, intervalMs: null, items: [] };
  }
  /** What samples() serves; not a recorded call, since the API pulls it on a timer. */
  samplesToServe: AgentSample[] = [];
  async samples(since: number) {
    return { intervalMs: 5000, items: this.samplesToServe.filter((s) => s.t > since) };
  }
  async signalProcess(id: string, pid: number, signal: string) {
    this.call('signalProcess', `${id} ${pid} ${signal}`);
    this.find(id);
  }
  async pidOwner(hostPid: number): Promise<never> {
    this.call('pidOwner', String(hostPid));
    throw notFoundError(`an instance owning host process ${hostPid}`);
  }
  async services(id: string) {
    this.call('services', id);
    this.find(id);
    return { init: 'none' as const, items: [] };
  }
  async serviceAction(id: string, name: string, action: string) {
    this.call('serviceAction', `${id} ${name} ${action}`);
    this.find(id);
    return {
      name,
      description: '',
      active: action === 'stop' ? 'inactive' : 'active',
      sub: '',
      boot: null,
    };
  }
  async serviceBoot(id: string, name: string, enabled: boolean) {
    this.call('serviceBoot', `${id} ${name} ${enabled}`);
    this.find(id);
    return {
      name,
      description: '',
      active: 'active',
      sub: '',
      boot: enabled ? 'enabled' : 'disabled',
    };
  }
  async operation(id: string): Promise<Operation> {
    this.call('operation', id);
    const op = this.operations.get(id);
    if (!op) throw notFoundError(`operation ${id}`);
    return op;
  }
  async operationLog(id: string): Promise<OperationLog> {
    this.call('operationLog', id);
    if (!this.operations.has(id)) throw notFoundError(`operation ${id}`);
    return this.logs.get(id) ?? { operationId: id, lines: [] };
  }
  async cancelOperation(id: string) {
    this.call('cancelOperation', id);
    const operation = this.operations.get(id);
    if (!operation) throw notFoundError(`operation ${id}`);
    if (operation.status !== 'running')
      throw new AppError(ErrorCode.wrongState, `operation ${id} has ended`);
    return { operation };
  }
  async listShells(instanceId: string) {
    this.call('listShells', instanceId);
    return { items: this.shells.filter((s) => s.instanceId === instanceId) };
  }
  async openShell(instanceId: string): Promise<never> {
    this.call('openShell', instanceId);
    throw new Error('not faked');
  }
  async endShell(instanceId: string, shellId: string) {
    this.call('endShell', `${instanceId} ${shellId}`);
  }
  async endShellsOf(login: string) {
    this.call('endShellsOf', login);
    return { ended: 0 };
  }
  consoleSocket(path: string): WebSocket {
    this.call('consoleSocket', path);
    throw new Error('not faked');
  }
  streamEvents(
    onEvent: (event: AgentEvent) => void,
    signal: AbortSignal,
    onOpen: () => void,
  ): Promise<void> {
    this.emit = onEvent;
    onOpen();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
  }
}
