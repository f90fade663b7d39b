import { z } from 'zod';
import {
  HostUpdates,
  ContainerUpdates,
  TemplatePackages,
  type CtTemplateName,
  type ApplyHostUpdates,
  AgentLicense,
  AgentDiagnostics,
  type InstallLicense,
  AgentSamples,
  AgentEvent,
  AppError,
  EndedShells,
  ErrorCode,
  ExecResult,
  HostFacts,
  Instance,
  Iso,
  IsoStoreUsage,
  Leftover,
  Operation,
  OperationLog,
  OperationAccepted,
  VmHardwareChange,
  VmDriveChange,
  VmHardwareChoices,
  VmDeviceChange,
  VmDevices,
  type AddVmPortRequest,
  type AddVmUsbRequest,
  type AddVmUsbStorageQuery,
  PidOwner,
  Pool,
  PoolList,
  Network,
  NetworkList,
  HostAdapter,
  HostAdapterList,
  ProcessList,
  ServiceInfo,
  ServiceList,
  ShellSession,
  SnapshotList,
  Template,
  isErrorCode,
  listOf,
  type ActionOptions,
  type CloneRequest,
  type CreateAgentShell,
  type CreatePool,
  type CreateNetwork,
  type CreateVlan,
  type SetInstanceNetwork,
  type VmHardwareRequest,
  type UpdateNetwork,
  type MoveRequest,
  type DisableRequest,
  type ReinstallRequest,
  type RenameRequest,
  type ConvertToTemplate,
  type CreateInstance,
  type CreateSnapshotRequest,
  type AddVmDiskRequest,
  type AddVmNicRequest,
  InstanceNics,
  type SetCtAdapterRequest,
  type SetNicLinkRequest,
  type ResizeVmDiskRequest,
  type AddCdDriveRequest,
  type CdMediaRequest,
  type VmDiskSettingsRequest,
  type ImportableDiskFormat,
  type ErrorBody,
  type ExecRequest,
  type InstanceAction,
  type ProcessSignal,
  type RevertSnapshotRequest,
  type ServiceAction,
  type TemplateName,
  type UpdateInstance,
  Firewall,
  type FirewallSettingsInput,
  type CreateFirewallSetInput,
  FirewallSet,
  type FirewallSetBodyInput,
  FirewallSetList,
  ClassCounterList,
  NetworkClasses,
  type NetworkClassesInput,
  NetworkFirewall,
  type NetworkFirewallSettingsInput,
} from '@berth/contracts';
import { readEventStream } from '@berth/fastify-kit';
import { WebSocket } from 'ws';
import type { AgentApi } from './agent-api.js';

const InstanceList = listOf(Instance);
const IsoList = listOf(Iso);
const LeftoverList = listOf(Leftover);
const TemplateList = listOf(Template);
const ShellList = listOf(ShellSession);

/**
 * HTTP client for one host agent. Agent errors keep their code; answers are checked against
 * the contracts, so an agent of another version fails loudly here instead of deep in a handler.
 */
export class AgentClient implements AgentApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** One request to the agent; a non-2xx answer becomes an AppError with the agent's code and words. */
  private async send(
    method: string,
    path: string,
    init: { body?: BodyInit; contentType?: string; timeoutMs: number },
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.url), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
        },
        body: init.body,
        signal: AbortSignal.timeout(init.timeoutMs),
        // Streamed request bodies (ISO uploads) need half-duplex fetch.
        ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      throw new AppError(
        ErrorCode.agentUnreachable,
        `host agent at ${this.url} is unreachable: ${(err as Error).message}`,
      );
    }
    if (!response.ok) {
      const text = await response.text();
      let error: Partial<ErrorBody['error']> | undefined;
      try {
        error = (JSON.parse(text) as Partial<ErrorBody>).error;
      } catch {
        error = undefined;
      }
      // The agent's 401 means the API holds a wrong token: that is our fault, not the caller's.
      const code = response.status === 401 ? ErrorCode.agentRefused : error?.code;
      throw new AppError(
        isErrorCode(code) ? code : ErrorCode.hostError,
        error?.message ?? `agent answered ${response.status}`,
        error?.issues,
      );
    }
    return response;
  }

  private async call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 120_000,
  ): Promise<z.infer<S>> {
    const response = await this.send(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: body === undefined ? undefined : 'application/json',
      timeoutMs,
    });
    return this.parse(schema, `${method} ${path}`, await response.text());
  }

  /** An answer that is not JSON or not the contract's shape is the agent's fault: a host error. */
  private parse<S extends z.ZodType>(schema: S, what: string, text: string): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError(
        ErrorCode.hostError,
        `host agent at ${this.url} answered ${what} with something that is not JSON`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new AppError(
        ErrorCode.hostError,
        `host agent at ${this.url} answered ${what} with an unexpected shape (${where}); is it another version?`,
      );
    }
    return parsed.data;
  }

  async screenshot(id: string): Promise<Buffer> {
    const response = await this.send('GET', `/v1/instances/${encodeURIComponent(id)}/screenshot`, {
      timeoutMs: 30_000,
    });
    return Buffer.from(await response.arrayBuffer());
  }
  isos() {
    return this.call(IsoList, 'GET', '/v1/isos');
  }
  /** Relays an upload as it arrives; the agent hashes and stores it. */
  isoStore() {
    return this.call(IsoStoreUsage, 'GET', '/v1/isos/store');
  }
  async putIso(name: string, body: ReadableStream<Uint8Array>, quotaBytes?: number): Promise<Iso> {
    const query = quotaBytes === undefined ? '' : `?quotaBytes=${quotaBytes}`;
    const response = await this.send('PUT', `/v1/isos/${encodeURIComponent(name)}${query}`, {
      body,
      contentType: 'application/octet-stream',
      timeoutMs: 6 * 3600_000,
    });
    return this.parse(Iso, `PUT /v1/isos/${name}`, await response.text());
  }
  async deleteIso(name: string): Promise<void> {
    await this.send('DELETE', `/v1/isos/${encodeURIComponent(name)}`, { timeoutMs: 30_000 });
  }

  leftovers() {
    return this.call(LeftoverList, 'GET', '/v1/leftovers');
  }
  async deleteLeftover(id: string): Promise<void> {
    await this.send('DELETE', `/v1/leftovers/${encodeURIComponent(id)}`, { timeoutMs: 120_000 });
  }

  facts() {
    return this.call(HostFacts, 'GET', '/v1/facts', undefined, 10_000);
  }
  license() {
    return this.call(AgentLicense, 'GET', '/v1/license');
  }
  putLicense(body: InstallLicense) {
    return this.call(AgentLicense, 'PUT', '/v1/license', body);
  }
  async deleteLicense(): Promise<void> {
    await this.send('DELETE', '/v1/license', { timeoutMs: 10_000 });
  }
  diagnostics() {
    return this.call(AgentDiagnostics, 'GET', '/v1/diagnostics', undefined, 60_000);
  }
  updates(refresh: boolean) {
    return this.call(HostUpdates, 'GET', `/v1/updates?refresh=${refresh}`, undefined, 6 * 60_000);
  }
  applyUpdates(body: ApplyHostUpdates) {
    return this.call(OperationAccepted, 'POST', '/v1/updates/apply', body, 60_000);
  }
  containerUpdates(id: string) {
    return this.call(
      ContainerUpdates,
      'GET',
      `/v1/instances/${encodeURIComponent(id)}/updates`,
      undefined,
      6 * 60_000,
    );
  }
  templatePackages(name: CtTemplateName) {
    return this.call(TemplatePackages, 'GET', `/v1/templates/${name}/packages`);
  }
  applyContainerUpdates(id: string) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/updates/apply`,
      undefined,
      60_000,
    );
  }
  templates() {
    return this.call(TemplateList, 'GET', '/v1/templates');
  }
  buildTemplate(name: TemplateName, rebuild: boolean) {
    return this.call(OperationAccepted, 'POST', `/v1/templates/${name}/build`, { rebuild });
  }
  listInstances() {
    return this.call(InstanceList, 'GET', '/v1/instances');
  }
  getInstance(id: string) {
    return this.call(Instance, 'GET', `/v1/instances/${encodeURIComponent(id)}`);
  }
  createInstance(body: CreateInstance) {
    return this.call(OperationAccepted, 'POST', '/v1/instances', body);
  }
  updateInstance(id: string, body: UpdateInstance) {
    return this.call(Instance, 'PATCH', `/v1/instances/${encodeURIComponent(id)}`, body, 600_000);
  }
  action(id: string, action: InstanceAction, body: ActionOptions) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/actions/${action}`,
      body,
    );
  }
  unprivilege(id: string) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/unprivilege`,
    );
  }
  snapshots(id: string) {
    return this.call(SnapshotList, 'GET', `/v1/instances/${encodeURIComponent(id)}/snapshots`);
  }
  takeSnapshot(id: string, body: CreateSnapshotRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/snapshots`,
      body,
    );
  }
  revertSnapshot(id: string, name: string, body: RevertSnapshotRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/snapshots/${encodeURIComponent(name)}/revert`,
      body,
    );
  }
  deleteSnapshot(id: string, name: string) {
    return this.call(
      OperationAccepted,
      'DELETE',
      `/v1/instances/${encodeURIComponent(id)}/snapshots/${encodeURIComponent(name)}`,
    );
  }
  cloneInstance(id: string, body: CloneRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/clone`,
      body,
    );
  }
  moveInstance(id: string, body: MoveRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/move`,
      body,
    );
  }
  renameInstance(id: string, body: RenameRequest) {
    // A running container's hostname is set through lxc-attach, a stopped one's by mounting it.
    return this.call(
      Instance,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/rename`,
      body,
      60_000,
    );
  }
  setDisabled(id: string, body: DisableRequest) {
    return this.call(Instance, 'PUT', `/v1/instances/${encodeURIComponent(id)}/disabled`, body);
  }
  convertToTemplate(id: string, body: ConvertToTemplate) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/template`,
      body,
    );
  }
  async deleteTemplate(name: string): Promise<void> {
    await this.send('DELETE', `/v1/templates/${encodeURIComponent(name)}`, { timeoutMs: 60_000 });
  }
  async exportTemplate(name: string) {
    const response = await this.send('GET', `/v1/templates/${encodeURIComponent(name)}/export`, {
      timeoutMs: 6 * 3600_000,
    });
    if (!response.body) throw new AppError(ErrorCode.hostError, 'the agent sent no export');
    return { body: response.body, sizeBytes: Number(response.headers.get('content-length')) };
  }
  async importTemplate(name: string, body: ReadableStream<Uint8Array>, sizeBytes: number | null) {
    const query = new URLSearchParams({ name });
    if (sizeBytes !== null) query.set('sizeBytes', String(sizeBytes));
    const url = `/v1/templates/import?${query}`;
    const response = await this.send('PUT', url, {
      body,
      contentType: 'application/octet-stream',
      timeoutMs: 6 * 3600_000,
    });
    return this.parse(Template, `PUT ${url}`, await response.text());
  }
  reinstallInstance(id: string, body: ReinstallRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/reinstall`,
      body,
    );
  }
  pools() {
    return this.call(PoolList, 'GET', '/v1/pools');
  }
  createPool(body: CreatePool) {
    return this.call(Pool, 'POST', '/v1/pools', body, 600_000);
  }
  setDefaultPool(name: string) {
    return this.call(Pool, 'PUT', `/v1/pools/${encodeURIComponent(name)}/default`);
  }
  async deletePool(name: string): Promise<void> {
    await this.send('DELETE', `/v1/pools/${encodeURIComponent(name)}`, { timeoutMs: 120_000 });
  }
  networks() {
    return this.call(NetworkList, 'GET', '/v1/networks');
  }
  network(name: string) {
    return this.call(Network, 'GET', `/v1/networks/${encodeURIComponent(name)}`);
  }
  createNetwork(body: CreateNetwork) {
    return this.call(Network, 'POST', '/v1/networks', body, 60_000);
  }
  updateNetwork(name: string, body: UpdateNetwork) {
    return this.call(Network, 'PATCH', `/v1/networks/${encodeURIComponent(name)}`, body, 60_000);
  }
  async deleteNetwork(name: string): Promise<void> {
    await this.send('DELETE', `/v1/networks/${encodeURIComponent(name)}`, { timeoutMs: 60_000 });
  }
  setInstanceNetwork(id: string, body: SetInstanceNetwork) {
    return this.call(Instance, 'PUT', `/v1/instances/${encodeURIComponent(id)}/network`, body);
  }
  firewall(id: string) {
    return this.call(Firewall, 'GET', `/v1/instances/${encodeURIComponent(id)}/firewall`);
  }
  setFirewall(id: string, body: FirewallSettingsInput) {
    return this.call(Firewall, 'PUT', `/v1/instances/${encodeURIComponent(id)}/firewall`, body);
  }
  networkFirewall(network: string) {
    const url = `/v1/networks/${encodeURIComponent(network)}/firewall`;
    return this.call(NetworkFirewall, 'GET', url);
  }
  setNetworkFirewall(network: string, body: NetworkFirewallSettingsInput) {
    const url = `/v1/networks/${encodeURIComponent(network)}/firewall`;
    return this.call(NetworkFirewall, 'PUT', url, body, 60_000);
  }
  firewallSets() {
    return this.call(FirewallSetList, 'GET', '/v1/firewall/sets');
  }
  firewallSet(name: string) {
    return this.call(FirewallSet, 'GET', `/v1/firewall/sets/${encodeURIComponent(name)}`);
  }
  createFirewallSet(body: CreateFirewallSetInput) {
    return this.call(FirewallSet, 'POST', '/v1/firewall/sets', body);
  }
  updateFirewallSet(name: string, body: FirewallSetBodyInput) {
    const url = `/v1/firewall/sets/${encodeURIComponent(name)}`;
    return this.call(FirewallSet, 'PUT', url, body, 60_000);
  }
  async deleteFirewallSet(name: string): Promise<void> {
    await this.send('DELETE', `/v1/firewall/sets/${encodeURIComponent(name)}`, {
      timeoutMs: 30_000,
    });
  }
  networkClasses() {
    return this.call(NetworkClasses, 'GET', '/v1/network-classes');
  }
  setNetworkClasses(body: NetworkClassesInput) {
    return this.call(NetworkClasses, 'PUT', '/v1/network-classes', body, 120_000);
  }
  classCounters() {
    return this.call(ClassCounterList, 'GET', '/v1/network-classes/counters');
  }
  hostAdapters() {
    return this.call(HostAdapterList, 'GET', '/v1/host/adapters');
  }
  createVlan(body: CreateVlan) {
    return this.call(HostAdapter, 'POST', '/v1/host/vlans', body);
  }
  setVmHardware(id: string, body: VmHardwareRequest) {
    return this.call(
      VmHardwareChange,
      'PUT',
      `/v1/instances/${encodeURIComponent(id)}/hardware`,
      body,
    );
  }
  vmHardwareChoices() {
    return this.call(VmHardwareChoices, 'GET', '/v1/vm-hardware');
  }
  vmDevices(id: string) {
    return this.call(VmDevices, 'GET', `/v1/instances/${encodeURIComponent(id)}/devices`);
  }
  addVmPort(id: string, body: AddVmPortRequest) {
    const url = `/v1/instances/${encodeURIComponent(id)}/ports`;
    return this.call(VmDeviceChange, 'POST', url, body);
  }
  removeVmPort(id: string, port: string) {
    const url = `/v1/instances/${encodeURIComponent(id)}/ports/${encodeURIComponent(port)}`;
    return this.call(VmDeviceChange, 'DELETE', url);
  }
  async vmPortLog(id: string, port: string) {
    const url = `/v1/instances/${encodeURIComponent(id)}/ports/${encodeURIComponent(port)}/log`;
    const response = await this.send('GET', url, { timeoutMs: 600_000 });
    if (!response.body) throw new AppError(ErrorCode.hostError, 'the agent sent no log');
    return { body: response.body, sizeBytes: Number(response.headers.get('content-length')) };
  }
  addVmUsb(id: string, body: AddVmUsbRequest) {
    const url = `/v1/instances/${encodeURIComponent(id)}/usb`;
    return this.call(OperationAccepted, 'POST', url, body);
  }
  /** Relays an uploaded image as it arrives; the agent answers once it has it. */
  async addVmUsbStorage(
    id: string,
    body: ReadableStream<Uint8Array>,
    query: AddVmUsbStorageQuery,
  ): Promise<OperationAccepted> {
    const url = `/v1/instances/${encodeURIComponent(id)}/usb/storage${query.format ? `?format=${query.format}` : ''}`;
    const response = await this.send('PUT', url, {
      body,
      contentType: 'application/octet-stream',
      timeoutMs: 6 * 3600_000,
    });
    return this.parse(OperationAccepted, `PUT ${url}`, await response.text());
  }
  removeVmUsb(id: string, device: string) {
    const url = `/v1/instances/${encodeURIComponent(id)}/usb/${encodeURIComponent(device)}`;
    return this.call(OperationAccepted, 'DELETE', url);
  }
  instanceNics(id: string) {
    return this.call(InstanceNics, 'GET', `/v1/instances/${encodeURIComponent(id)}/nics`);
  }
  addNic(id: string, body: AddVmNicRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/nics`,
      body,
    );
  }
  removeNic(id: string, nic: number) {
    return this.call(
      OperationAccepted,
      'DELETE',
      `/v1/instances/${encodeURIComponent(id)}/nics/${nic}`,
    );
  }
  setNicLink(id: string, nic: number, body: SetNicLinkRequest) {
    return this.call(
      InstanceNics,
      'PATCH',
      `/v1/instances/${encodeURIComponent(id)}/nics/${nic}`,
      body,
    );
  }
  setNicSettings(id: string, nic: number, body: SetCtAdapterRequest) {
    return this.call(
      OperationAccepted,
      'PATCH',
      `/v1/instances/${encodeURIComponent(id)}/nics/${nic}/settings`,
      body,
    );
  }
  addVmDisk(id: string, body: AddVmDiskRequest) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/disks`,
      body,
    );
  }
  /** Relays an uploaded image as it arrives; the agent answers once it has it, with the conversion's operation. */
  async importVmDisk(
    id: string,
    body: ReadableStream<Uint8Array>,
    format?: ImportableDiskFormat,
  ): Promise<OperationAccepted> {
    const url = `/v1/instances/${encodeURIComponent(id)}/disks/import${format ? `?format=${format}` : ''}`;
    const response = await this.send('PUT', url, {
      body,
      contentType: 'application/octet-stream',
      timeoutMs: 6 * 3600_000,
    });
    return this.parse(OperationAccepted, `PUT ${url}`, await response.text());
  }
  removeVmDisk(id: string, disk: string) {
    return this.call(
      OperationAccepted,
      'DELETE',
      `/v1/instances/${encodeURIComponent(id)}/disks/${encodeURIComponent(disk)}`,
    );
  }
  compactVmDisk(id: string, disk: string) {
    return this.call(
      OperationAccepted,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/disks/${encodeURIComponent(disk)}/compact`,
    );
  }
  resizeVmDisk(id: string, disk: string, body: ResizeVmDiskRequest) {
    return this.call(
      OperationAccepted,
      'PATCH',
      `/v1/instances/${encodeURIComponent(id)}/disks/${encodeURIComponent(disk)}`,
      body,
    );
  }
  setVmDiskSettings(id: string, disk: string, body: VmDiskSettingsRequest) {
    const url = `/v1/instances/${encodeURIComponent(id)}/disks/${encodeURIComponent(disk)}/settings`;
    return this.call(OperationAccepted, 'PUT', url, body);
  }
  addCdDrive(id: string, body: AddCdDriveRequest) {
    const url = `/v1/instances/${encodeURIComponent(id)}/cd-drives`;
    return this.call(OperationAccepted, 'POST', url, body);
  }
  removeCdDrive(id: string, drive: number) {
    const url = `/v1/instances/${encodeURIComponent(id)}/cd-drives/${drive}`;
    return this.call(OperationAccepted, 'DELETE', url);
  }
  setCdMedia(id: string, drive: number, body: CdMediaRequest) {
    const url = `/v1/instances/${encodeURIComponent(id)}/cd-drives/${drive}`;
    return this.call(VmDriveChange, 'PUT', url, body);
  }
  exec(id: string, body: ExecRequest) {
    return this.call(
      ExecResult,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/exec`,
      body,
      (body.timeoutSeconds + 30) * 1000,
    );
  }
  deleteInstance(id: string, force: boolean) {
    return this.call(
      OperationAccepted,
      'DELETE',
      `/v1/instances/${encodeURIComponent(id)}?force=${force}`,
    );
  }
  operation(id: string) {
    return this.call(Operation, 'GET', `/v1/operations/${id}`);
  }
  operationLog(id: string) {
    return this.call(OperationLog, 'GET', `/v1/operations/${id}/log`);
  }
  cancelOperation(id: string) {
    return this.call(OperationAccepted, 'POST', `/v1/operations/${id}/cancel`);
  }

  processes(id: string) {
    return this.call(
      ProcessList,
      'GET',
      `/v1/instances/${encodeURIComponent(id)}/processes`,
      undefined,
      30_000,
    );
  }
  samples(since: number) {
    return this.call(AgentSamples, 'GET', `/v1/samples?since=${since}`, undefined, 10_000);
  }
  async signalProcess(id: string, pid: number, signal: ProcessSignal): Promise<void> {
    await this.send('POST', `/v1/instances/${encodeURIComponent(id)}/processes/${pid}/signal`, {
      body: JSON.stringify({ signal }),
      contentType: 'application/json',
      timeoutMs: 30_000,
    });
  }
  pidOwner(hostPid: number) {
    return this.call(PidOwner, 'GET', `/v1/pids/${hostPid}/owner`, undefined, 10_000);
  }
  services(id: string) {
    return this.call(
      ServiceList,
      'GET',
      `/v1/instances/${encodeURIComponent(id)}/services`,
      undefined,
      60_000,
    );
  }
  serviceAction(id: string, name: string, action: ServiceAction) {
    return this.call(
      ServiceInfo,
      'POST',
      `/v1/instances/${encodeURIComponent(id)}/services/${encodeURIComponent(name)}/actions/${action}`,
      undefined,
      150_000,
    );
  }
  serviceBoot(id: string, name: string, enabled: boolean) {
    return this.call(
      ServiceInfo,
      'PUT',
      `/v1/instances/${encodeURIComponent(id)}/services/${encodeURIComponent(name)}/boot`,
      { enabled },
      150_000,
    );
  }

  listShells(instanceId: string, ownerId?: string) {
    const query = ownerId ? `?ownerId=${encodeURIComponent(ownerId)}` : '';
    return this.call(
      ShellList,
      'GET',
      `/v1/instances/${encodeURIComponent(instanceId)}/shells${query}`,
    );
  }
  openShell(instanceId: string, body: CreateAgentShell) {
    return this.call(
      ShellSession,
      'POST',
      `/v1/instances/${encodeURIComponent(instanceId)}/shells`,
      body,
      30_000,
    );
  }
  async endShell(instanceId: string, shellId: string): Promise<void> {
    await this.send(
      'DELETE',
      `/v1/instances/${encodeURIComponent(instanceId)}/shells/${encodeURIComponent(shellId)}`,
      { timeoutMs: 30_000 },
    );
  }
  endShellsOf(login: string) {
    return this.call(EndedShells, 'POST', '/v1/shells/end', { login }, 30_000);
  }

  consoleSocket(path: string): WebSocket {
    const url = new URL(path, this.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WebSocket(url, {
      headers: { authorization: `Bearer ${this.token}` },
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
    });
  }

  async streamEvents(
    onEvent: (event: AgentEvent) => void,
    signal: AbortSignal,
    onOpen: () => void,
  ): Promise<void> {
    const response = await fetch(new URL('/v1/events', this.url), {
      headers: { authorization: `Bearer ${this.token}` },
      signal,
    });
    if (!response.ok || !response.body)
      throw new Error(`agent event stream answered ${response.status}`);
    onOpen();
    await readEventStream(response.body, (data) => {
      const parsed = AgentEvent.safeParse(data);
      if (parsed.success) onEvent(parsed.data);
    });
  }
}
