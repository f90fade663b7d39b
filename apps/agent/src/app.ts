import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { ErrorCode, trustsTestLicenses } from '@berth/contracts';
import { errorBody, installErrorHandler, useZod } from '@berth/fastify-kit';
import type { AgentConfig } from './config.js';
import { EventBus } from './events.js';
import path from 'node:path';
import { Containers } from './instances/containers.js';
import { hostBootedSinceLastRun } from './instances/host-boot.js';
import { Instances } from './instances/instances.js';
import { Vms } from './instances/vms.js';
import { logHostCommandsTo } from './run.js';
import { imageDir, lxcPath } from './config.js';
import { Accelerator } from './drivers/qemu/accel.js';
import { Networks } from './net/networks/networks.js';
import { IsoStore } from './storage/isos.js';
import { Pools } from './storage/pools/pools.js';
import { VmTemplates } from './templates/vm-templates.js';
import { CtCustomTemplates } from './templates/ct-templates.js';
import { networkRoutes } from './routes/networks.js';
import { firewallRoutes } from './routes/firewall.js';
import { networkClassRoutes } from './routes/network-classes.js';
import { Firewalls } from './net/firewall/firewall.js';
import { RoutedNdp } from './net/routed-ndp.js';
import { routedIpv6ByBridge } from './instances/ct-ipv6.js';
import { Journal } from './journal/journal.js';
import { Operations } from './operations.js';
import { Quarantine } from './recovery/quarantine.js';
import { reconcileHost } from './recovery/reconcile.js';
import { replayJournal, withStateNow } from './recovery/replay.js';
import { Shells } from './consoles/shells.js';
import { consoleRoutes } from './routes/consoles.js';
import { instanceRoutes, mediaRoutes } from './routes/instances.js';
import { processRoutes } from './routes/processes.js';
import { sampleRoutes } from './routes/samples.js';
import { Sampler } from './monitoring/sampler.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { vmDiskRoutes } from './routes/vm-disks.js';
import { nicRoutes } from './routes/nics.js';
import { NicChanges } from './instances/vm-nics.js';
import { vmHardwareRoutes } from './routes/vm-hardware.js';
import { vmCdromRoutes } from './routes/vm-cdroms.js';
import { VmDrives } from './instances/vm-cdroms.js';
import { VmHardware } from './instances/vm-hardware.js';
import { VmDiskChanges } from './instances/vm-disk-changes.js';
import { vmDeviceRoutes } from './routes/vm-devices.js';
import { VmPorts } from './instances/vm-ports.js';
import { VmUsb } from './instances/vm-usb.js';
import { VmSnapshots } from './snapshots/vms.js';
import { ContainerSnapshots } from './snapshots/containers.js';
import { ContainerClones } from './instances/container-clones.js';
import { ContainerMoves } from './instances/container-moves.js';
import { ContainerMaintenance } from './instances/container-maintenance.js';
import { VmClones } from './instances/vm-clones.js';
import { VmTemplating, vmsBackedBy } from './instances/vm-to-template.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { ctTemplateRoutes } from './routes/ct-templates.js';
import { CtTemplating } from './instances/ct-to-template.js';
import { poolRoutes } from './routes/pools.js';
import { systemRoutes } from './routes/system.js';
import { licenseRoutes } from './routes/licenses.js';
import { diagnosticRoutes } from './routes/diagnostics.js';
import { updateRoutes } from './routes/updates.js';
import { HostUpdates, aptPrograms } from './updates/host-updates.js';
import { ContainerUpdates } from './updates/container-updates.js';
import { HostLicense } from './licenses/host-license.js';
import { Processes } from './processes/processes.js';
import { Services } from './services/services.js';
import { Templates } from './templates/templates.js';

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Builds the agent (without listening), after preparing the host: bridge, rediscovery. */
export async function buildAgent(
  config: AgentConfig,
  opts: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  // forceCloseConnections: open event streams must not hold up a shutdown.
  const app = Fastify({
    logger: opts.logger ? { level: config.logLevel } : false,
    bodyLimit: 2 * 1024 * 1024,
    forceCloseConnections: true,
  });
  useZod(app);
  installErrorHandler(app);

  // Every request needs the agent token: the agent runs as root.
  app.addHook('onRequest', async (req, reply) => {
    if (!tokenMatches(req.headers.authorization, config.token)) {
      return reply
        .status(401)
        .send(errorBody(ErrorCode.unauthorized, 'missing or wrong agent token'));
    }
  });

  const log = (component: string) => app.log.child({ component });
  logHostCommandsTo(log('run'));
  // Bridges first: the replay and the instances' start-up find their networks whole.
  const networks = new Networks(config, log('networks'));
  await networks.init();
  const events = new EventBus();
  // Before anything is served: half-done work of a killed agent is rolled back or finished.
  const journal = new Journal(path.join(config.dataDir, 'journal'), config.failpoint);
  const operations = new Operations(events, journal);
  // Mounted first: the replay may need to finish work on images that live in a pool.
  const pools = new Pools(config.dataDir, imageDir(config), log('pools'));
  await pools.init();
  const interrupted = await replayJournal(journal, log('recovery'));
  const quarantine = new Quarantine(path.join(config.dataDir, 'quarantine'));
  const license = new HostLicense(config.dataDir, trustsTestLicenses(process.env));
  const licenseFact = await license.load();
  log('license').info(licenseFact ?? { state: 'none' }, 'host license checked');
  const reconciling = Date.now();
  await reconcileHost(
    {
      lxcpath: lxcPath(config),
      imageDir: imageDir(config),
      vmsDir: path.join(config.dataDir, 'vms'),
      templateDir: config.templateDir,
      isoDir: path.join(config.dataDir, 'isos'),
    },
    quarantine,
    log('recovery'),
  );
  log('recovery').info({ ms: Date.now() - reconciling }, 'reconciled the host');
  // Templates made from containers live beside those made from VMs: one name space.
  const ctTemplates = new CtCustomTemplates(path.join(config.dataDir, 'templates'));
  for (const left of await ctTemplates.sweep()) {
    log('recovery').warn({ left }, 'removed a template an interrupted import or delete left');
  }
  const templates = new Templates(config.templateDir, config.debianMirror, ctTemplates);
  const isos = new IsoStore(
    path.join(config.dataDir, 'isos'),
    config.maxIsoBytes,
    config.isoQuotaBytes,
  );
  const vmTemplates = new VmTemplates(
    config.templateDir,
    isos,
    path.join(config.dataDir, 'templates'),
  );
  const accel = new Accelerator(path.join(config.dataDir, 'accel.json'), config.accel);
  await accel.load();
  const containers = new Containers(
    config,
    templates,
    pools,
    networks,
    operations,
    events,
    log('containers'),
  );
  const vms = new Vms(config, accel, vmTemplates, isos, networks, operations, events, log('vms'));
  await containers.init();
  await vms.init();
  const instances = new Instances(containers, vms);
  networks.countMembersWith((n) => [...containers.onNetwork(n), ...vms.onNetwork(n)]);
  networks.leaseStaticallyWith((n) => vms.staticLeases(n));
  await networks.refreshStaticLeases();
  await networks.refreshNames();
  // Names follow the instances: made, renamed, moved to another network or readdressed, deleted.
  events.subscribe((e) => {
    if (
      e.type === 'instance.state' ||
      e.type === 'instance.updated' ||
      e.type === 'instance.deleted'
    ) {
      networks
        .refreshNames()
        .catch((err: Error) =>
          log('networks').warn({ err: err.message }, 'DNS names not refreshed'),
        );
    }
  });
  await networks.reattach();
  const nics = new NicChanges(vms, containers, networks, log('nics'));
  await nics.init();
  const firewalls = new Firewalls(
    config.dataDir,
    containers,
    vms,
    networks,
    log('firewall'),
    config.failpoint,
  );
  await firewalls.init(events);
  networks.onIpv6ChangeDo((n) => firewalls.reapplyNetwork(n));
  const ndp = new RoutedNdp(
    () => routedIpv6ByBridge(containers.records(), (n) => networks.bridgeFor(n)),
    () => networks.bridges(),
    log('network'),
  );
  await ndp.syncAll();
  events.subscribe((e) => {
    // Made, moved or deleted: a routed container's address comes or goes (a create is an update).
    // Bridged containers' updates (every state change) need no listing of the bridges.
    if (
      e.type === 'instance.deleted' ||
      (e.type === 'instance.updated' && e.instance.nics[0]?.mode === 'routed')
    ) {
      ndp.sync();
    }
  });
  vmTemplates.dependentsWith(vmsBackedBy(vms));
  for (const op of interrupted) {
    const now = op.target ? await instances.get(op.target).catch(() => null) : null;
    operations.restore(withStateNow(op, now?.state ?? null));
  }
  if (await hostBootedSinceLastRun(config.dataDir)) await instances.startOnboot(log('onboot'));
  const shells = new Shells(instances.containers.lxc, config.shellIdleMs, log('shells'));
  app.addHook('onClose', async () => {
    // VMs outlive the agent and keep renewing their leases: their DHCP server stays with them.
    const keepDhcp = await vms.anyRunning().catch(() => true);
    await Promise.all([instances.close(), shells.close(), networks.close(keepDhcp)]);
  });

  await app.register(licenseRoutes, { license });
  await app.register(diagnosticRoutes, { config });
  await app.register(systemRoutes, {
    license,
    config,
    accel,
    templates,
    vmTemplates,
    operations,
    events,
    quarantine,
  });
  await app.register(instanceRoutes, { instances });
  await app.register(updateRoutes, {
    host: new HostUpdates(operations, aptPrograms(process.env)),
    containers: new ContainerUpdates(instances),
    templates,
  });
  await app.register(mediaRoutes, { instances, isos });
  await app.register(vmDiskRoutes, { instances, disks: new VmDiskChanges(vms) });
  await app.register(nicRoutes, { nics });
  await app.register(vmHardwareRoutes, { instances, hardware: new VmHardware(vms) });
  await app.register(vmCdromRoutes, { instances, drives: new VmDrives(vms, isos) });
  await app.register(vmDeviceRoutes, {
    instances,
    ports: new VmPorts(vms),
    usb: new VmUsb(vms),
  });
  await app.register(snapshotRoutes, {
    instances,
    drivers: { vm: new VmSnapshots(vms), ct: new ContainerSnapshots(containers, pools) },
  });
  await app.register(poolRoutes, {
    pools,
    clones: new ContainerClones(containers, pools),
    vmClones: new VmClones(vms),
    moves: new ContainerMoves(containers, pools),
    instances,
  });
  await app.register(maintenanceRoutes, {
    instances,
    maintenance: new ContainerMaintenance(containers, templates),
    templating: new VmTemplating(vms, vmTemplates),
    ctTemplating: new CtTemplating(containers, templates, vmTemplates),
    vmTemplates,
    ctTemplates,
  });
  await app.register(ctTemplateRoutes, { ctTemplates });
  const processes = new Processes(instances, path.join(config.dataDir, 'vms'));
  await app.register(processRoutes, { processes, services: new Services(instances) });
  // BERTH_AGENT_SAMPLING=off: for the monitoring bench's baseline, the agent without sampling.
  const sampler =
    process.env.BERTH_AGENT_SAMPLING === 'off'
      ? null
      : new Sampler(instances, processes, events, log('monitoring'));
  sampler?.start();
  app.addHook('onClose', async () => sampler?.stop());
  await app.register(sampleRoutes, { sampler });
  await app.register(networkRoutes, { networks, instances });
  await app.register(firewallRoutes, { firewalls });
  await app.register(networkClassRoutes, { firewalls });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(consoleRoutes, { instances, shells });
  return app;
}
