import type {
  ApplyHostUpdates,
  ContainerUpdates,
  HostUpdates,
  TemplatePackages,
  CtTemplateName,
  CreateFirewallSetInput,
  ClassCounterList,
  NetworkClasses,
  NetworkClassesInput,
  Firewall,
  FirewallSet,
  FirewallSetBodyInput,
  FirewallSettingsInput,
  NetworkFirewall,
  NetworkFirewallSettingsInput,
  AgentLicense,
  AgentDiagnostics,
  InstallLicense,
  AgentSamples,
  ActionOptions,
  CreateNetwork,
  CreateVlan,
  HostAdapter,
  Network,
  SetInstanceNetwork,
  VmHardwareChange,
  VmHardwareChoices,
  VmHardwareRequest,
  AddVmPortRequest,
  AddVmUsbRequest,
  AddVmUsbStorageQuery,
  VmDeviceChange,
  VmDevices,
  UpdateNetwork,
  CloneRequest,
  CreatePool,
  MoveRequest,
  Pool,
  DisableRequest,
  ReinstallRequest,
  RenameRequest,
  ConvertToTemplate,
  AgentEvent,
  CreateAgentShell,
  CreateInstance,
  CreateSnapshotRequest,
  AddVmDiskRequest,
  AddVmNicRequest,
  InstanceNics,
  SetCtAdapterRequest,
  SetNicLinkRequest,
  ResizeVmDiskRequest,
  AddCdDriveRequest,
  CdMediaRequest,
  VmDiskSettingsRequest,
  VmDriveChange,
  ImportableDiskFormat,
  ExecRequest,
  ExecResult,
  HostFacts,
  Instance,
  InstanceAction,
  Iso,
  IsoStoreUsage,
  Leftover,
  Operation,
  OperationLog,
  PidOwner,
  ProcessList,
  ProcessSignal,
  RevertSnapshotRequest,
  ServiceAction,
  ServiceInfo,
  ServiceList,
  ShellSession,
  SnapshotList,
  Template,
  TemplateName,
  UpdateInstance,
} from '@berth/contracts';
import type { WebSocket } from 'ws';

type Accepted = Promise<{ operation: Operation }>;

/**
 * What the API asks of one host agent. AgentClient speaks it over HTTP; tests put a fake in
 * its place to check the API's own rules without a host. Failures are AppErrors.
 */
export interface AgentApi {
  readonly url: string;
  facts(): Promise<HostFacts>;
  license(): Promise<AgentLicense>;
  putLicense(body: InstallLicense): Promise<AgentLicense>;
  deleteLicense(): Promise<void>;
  diagnostics(): Promise<AgentDiagnostics>;
  /** Berth's version and the host's upgradable packages; refresh runs apt-get update first. */
  updates(refresh: boolean): Promise<HostUpdates>;
  applyUpdates(body: ApplyHostUpdates): Accepted;
  /** A Debian container's upgradable packages (apt-get update inside first). */
  containerUpdates(id: string): Promise<ContainerUpdates>;
  applyContainerUpdates(id: string): Accepted;
  /** A container template cache's packages as captured at its build. */
  templatePackages(name: CtTemplateName): Promise<TemplatePackages>;
  templates(): Promise<{ items: Template[] }>;
  buildTemplate(name: TemplateName, rebuild: boolean): Accepted;
  isos(): Promise<{ items: Iso[] }>;
  /** quotaBytes: the API's quota for this host's store, when set; else the agent's own. */
  putIso(name: string, body: ReadableStream<Uint8Array>, quotaBytes?: number): Promise<Iso>;
  isoStore(): Promise<IsoStoreUsage>;
  deleteIso(name: string): Promise<void>;
  /** Remains of interrupted work the agent moved aside instead of reusing. */
  leftovers(): Promise<{ items: Leftover[] }>;
  deleteLeftover(id: string): Promise<void>;
  listInstances(): Promise<{ items: Instance[] }>;
  getInstance(id: string): Promise<Instance>;
  createInstance(body: CreateInstance): Accepted;
  updateInstance(id: string, body: UpdateInstance): Promise<Instance>;
  action(id: string, action: InstanceAction, body: ActionOptions): Accepted;
  /** Gives a stopped privileged container its own id range. */
  unprivilege(id: string): Accepted;
  snapshots(id: string): Promise<SnapshotList>;
  takeSnapshot(id: string, body: CreateSnapshotRequest): Accepted;
  revertSnapshot(id: string, name: string, body: RevertSnapshotRequest): Accepted;
  deleteSnapshot(id: string, name: string): Accepted;
  addVmDisk(id: string, body: AddVmDiskRequest): Accepted;
  instanceNics(id: string): Promise<InstanceNics>;
  addNic(id: string, body: AddVmNicRequest): Accepted;
  removeNic(id: string, nic: number): Accepted;
  setNicLink(id: string, nic: number, body: SetNicLinkRequest): Promise<InstanceNics>;
  setNicSettings(id: string, nic: number, body: SetCtAdapterRequest): Accepted;
  resizeVmDisk(id: string, disk: string, body: ResizeVmDiskRequest): Accepted;
  /** A disk's bus and cache mode, saved now and taken at the next start. */
  setVmDiskSettings(id: string, disk: string, body: VmDiskSettingsRequest): Accepted;
  addCdDrive(id: string, body: AddCdDriveRequest): Accepted;
  removeCdDrive(id: string, drive: number): Accepted;
  /** An ISO into a CD drive (live when QEMU has the drive), or out with null. */
  setCdMedia(id: string, drive: number, body: CdMediaRequest): Promise<VmDriveChange>;
  /** A VM's disk given back the room it no longer uses: trimmed by the guest, or rewritten. */
  compactVmDisk(id: string, disk: string): Accepted;
  /** A VM's disk unplugged (running), dropped from its record and deleted. */
  removeVmDisk(id: string, disk: string): Accepted;
  /** An uploaded disk image, streamed to the agent and converted to the VM's next disk. */
  importVmDisk(
    id: string,
    body: ReadableStream<Uint8Array>,
    format?: ImportableDiskFormat,
  ): Accepted;
  /** A VM's firmware, machine, CPU model, boot order: saved now, taken at its next start. */
  setVmHardware(id: string, body: VmHardwareRequest): Promise<VmHardwareChange>;
  vmHardwareChoices(): Promise<VmHardwareChoices>;
  /** A VM's serial/parallel ports and USB devices, each marked when it waits for the next start. */
  vmDevices(id: string): Promise<VmDevices>;
  addVmPort(id: string, body: AddVmPortRequest): Promise<VmDeviceChange>;
  removeVmPort(id: string, port: string): Promise<VmDeviceChange>;
  /** A file port's log, its last 16 MiB at most. */
  vmPortLog(
    id: string,
    port: string,
  ): Promise<{ body: ReadableStream<Uint8Array>; sizeBytes: number }>;
  addVmUsb(id: string, body: AddVmUsbRequest): Accepted;
  /** An uploaded raw or qcow2 image, streamed to the agent and plugged in as a USB stick. */
  addVmUsbStorage(
    id: string,
    body: ReadableStream<Uint8Array>,
    query: AddVmUsbStorageQuery,
  ): Accepted;
  removeVmUsb(id: string, device: string): Accepted;
  /** A container's clone: a new container with its own identity, as an operation. */
  cloneInstance(id: string, body: CloneRequest): Accepted;
  /** A stopped container's private area to another pool, as an operation. */
  moveInstance(id: string, body: MoveRequest): Accepted;
  /** Container maintenance: a new name (and hostname), disabled or not, a new root filesystem. */
  renameInstance(id: string, body: RenameRequest): Promise<Instance>;
  setDisabled(id: string, body: DisableRequest): Promise<Instance>;
  reinstallInstance(id: string, body: ReinstallRequest): Accepted;
  /** A stopped VM becomes a template (and goes); a template made so can be deleted. */
  convertToTemplate(id: string, body: ConvertToTemplate): Accepted;
  deleteTemplate(name: string): Promise<void>;
  /** A container template as one file (a tar), streamed, with its length. */
  exportTemplate(name: string): Promise<{ body: ReadableStream<Uint8Array>; sizeBytes: number }>;
  /** A container template from an exported file, relayed as it arrives. */
  importTemplate(
    name: string,
    body: ReadableStream<Uint8Array>,
    sizeBytes: number | null,
  ): Promise<Template>;
  pools(): Promise<{ items: Pool[] }>;
  createPool(body: CreatePool): Promise<Pool>;
  setDefaultPool(name: string): Promise<Pool>;
  deletePool(name: string): Promise<void>;
  networks(): Promise<{ items: Network[] }>;
  network(name: string): Promise<Network>;
  createNetwork(body: CreateNetwork): Promise<Network>;
  updateNetwork(name: string, body: UpdateNetwork): Promise<Network>;
  deleteNetwork(name: string): Promise<void>;
  setInstanceNetwork(id: string, body: SetInstanceNetwork): Promise<Instance>;
  firewall(id: string): Promise<Firewall>;
  setFirewall(id: string, body: FirewallSettingsInput): Promise<Firewall>;
  networkFirewall(network: string): Promise<NetworkFirewall>;
  setNetworkFirewall(network: string, body: NetworkFirewallSettingsInput): Promise<NetworkFirewall>;
  firewallSets(): Promise<{ items: FirewallSet[] }>;
  firewallSet(name: string): Promise<FirewallSet>;
  createFirewallSet(body: CreateFirewallSetInput): Promise<FirewallSet>;
  updateFirewallSet(name: string, body: FirewallSetBodyInput): Promise<FirewallSet>;
  deleteFirewallSet(name: string): Promise<void>;
  networkClasses(): Promise<NetworkClasses>;
  setNetworkClasses(body: NetworkClassesInput): Promise<NetworkClasses>;
  classCounters(): Promise<ClassCounterList>;
  hostAdapters(): Promise<{ items: HostAdapter[] }>;
  createVlan(body: CreateVlan): Promise<HostAdapter>;
  exec(id: string, body: ExecRequest): Promise<ExecResult>;
  deleteInstance(id: string, force: boolean): Accepted;
  screenshot(id: string): Promise<Buffer>;
  processes(id: string): Promise<ProcessList>;
  /** Usage samples taken after `since` (ms since the epoch), from the agent's last hour. */
  samples(since: number): Promise<AgentSamples>;
  /** A container's process by its host pid, a VM's by its guest pid. */
  signalProcess(id: string, pid: number, signal: ProcessSignal): Promise<void>;
  pidOwner(hostPid: number): Promise<PidOwner>;
  services(id: string): Promise<ServiceList>;
  serviceAction(id: string, name: string, action: ServiceAction): Promise<ServiceInfo>;
  serviceBoot(id: string, name: string, enabled: boolean): Promise<ServiceInfo>;
  operation(id: string): Promise<Operation>;
  /** What the operation logged: progress, journal steps, host commands. */
  operationLog(id: string): Promise<OperationLog>;
  /** Asks a running operation to stop and roll back; 409 once it has ended or if it cannot. */
  cancelOperation(id: string): Accepted;
  listShells(instanceId: string, ownerId?: string): Promise<{ items: ShellSession[] }>;
  openShell(instanceId: string, body: CreateAgentShell): Promise<ShellSession>;
  endShell(instanceId: string, shellId: string): Promise<void>;
  endShellsOf(login: string): Promise<{ ended: number }>;
  /** A WebSocket to one of the agent's console endpoints (VNC, serial, a shell's attach). */
  consoleSocket(path: string): WebSocket;
  /** Follows the agent's event stream until the signal aborts or the stream breaks. */
  streamEvents(
    onEvent: (event: AgentEvent) => void,
    signal: AbortSignal,
    onOpen: () => void,
  ): Promise<void>;
}

/** Makes the client for a registered host. */
export type ConnectAgent = (host: { url: string; agentToken: string }) => AgentApi;
