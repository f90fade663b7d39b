import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { providerOf, type PrismaClient } from '@berth/db';
import { trustsTestLicenses } from '@berth/contracts';
import { installErrorHandler, useZod } from '@berth/fastify-kit';
import type { ApiConfig } from './config.js';
import { withUnavailableErrors } from './database/unavailable.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { Audit } from './modules/audit/audit.service.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { Auth } from './modules/auth/auth.service.js';
import { LoginThrottle } from './modules/auth/login-throttle.js';
import { Visibility } from './modules/auth/visibility.js';
import { roleRoutes } from './modules/roles/roles.routes.js';
import { Roles } from './modules/roles/roles.service.js';
import { userRoutes } from './modules/users/users.routes.js';
import { Users } from './modules/users/users.service.js';
import { consoleSocketRoutes } from './modules/consoles/console-socket.routes.js';
import { consoleRoutes } from './modules/consoles/consoles.routes.js';
import { ConsolesService } from './modules/consoles/consoles.service.js';
import { ShareLinks } from './modules/consoles/share-links.js';
import { Shells } from './modules/consoles/shells.js';
import { ConsoleTickets } from './modules/consoles/tickets.js';
import { eventRoutes } from './modules/events/events.routes.js';
import { ApiEvents } from './modules/events/events.service.js';
import { healthRoutes } from './modules/health/health.routes.js';
import type { ConnectAgent } from './modules/hosts/agent-api.js';
import { AgentClient } from './modules/hosts/agent-client.js';
import { hostRoutes } from './modules/hosts/hosts.routes.js';
import { Hosts } from './modules/hosts/hosts.service.js';
import { instanceRoutes } from './modules/instances/instances.routes.js';
import { InstancesService } from './modules/instances/instances.service.js';
import { LicensesService } from './modules/licenses/licenses.service.js';
import { licenseRoutes } from './modules/licenses/licenses.routes.js';
import { ProblemReports } from './modules/problem-report/problem-report.service.js';
import { problemReportRoutes } from './modules/problem-report/problem-report.routes.js';
import { UpdatesService } from './modules/updates/updates.service.js';
import { updateRoutes } from './modules/updates/updates.routes.js';
import { storageRoutes } from './modules/storage/storage.routes.js';
import { networkRoutes } from './modules/networks/networks.routes.js';
import { firewallRoutes } from './modules/firewall/firewall.routes.js';
import { networkClassRoutes } from './modules/network-classes/network-classes.routes.js';
import { cachedClassCounters } from './modules/network-classes/class-counters.js';
import { ClassTrafficRecorder } from './modules/network-classes/class-traffic.js';
import { NetworksService } from './modules/networks/networks.service.js';
import { StorageService } from './modules/storage/storage.service.js';
import { privilegedRoutes } from './modules/instances/privileged.routes.js';
import { maintenanceRoutes } from './modules/instances/maintenance.routes.js';
import { MaintenanceService } from './modules/instances/maintenance.service.js';
import { processRoutes } from './modules/processes/processes.routes.js';
import { snapshotRoutes } from './modules/snapshots/snapshots.routes.js';
import { SnapshotsService } from './modules/snapshots/snapshots.service.js';
import { vmDiskRoutes } from './modules/vm-disks/vm-disks.routes.js';
import { VmDisksService } from './modules/vm-disks/vm-disks.service.js';
import { nicRoutes } from './modules/nics/nics.routes.js';
import { NicsService } from './modules/nics/nics.service.js';
import { vmHardwareRoutes } from './modules/vm-hardware/vm-hardware.routes.js';
import { vmCdromRoutes } from './modules/vm-cdroms/vm-cdroms.routes.js';
import { VmCdromsService } from './modules/vm-cdroms/vm-cdroms.service.js';
import { vmDeviceRoutes } from './modules/vm-devices/vm-devices.routes.js';
import { VmUsbService } from './modules/vm-devices/vm-devices.service.js';
import { ProcessesService } from './modules/processes/processes.service.js';
import { isoRoutes } from './modules/isos/isos.routes.js';
import { IsosService } from './modules/isos/isos.service.js';
import { taskRoutes } from './modules/tasks/tasks.routes.js';
import { Tasks } from './modules/tasks/tasks.service.js';
import { templateRoutes } from './modules/templates/templates.routes.js';
import { TemplatesService } from './modules/templates/templates.service.js';
import { auditPlugin } from './plugins/audit.js';
import { authPlugin, isPublic } from './plugins/auth.js';
import { openApi } from './plugins/openapi.js';
import { csrfPlugin } from './plugins/csrf.js';
import { pagePolicy, securityHeaders } from './plugins/security-headers.js';
import { recordingRoutes } from './modules/recordings/recordings.routes.js';
import { Recordings } from './modules/recordings/recordings.service.js';
import { sampleRoutes } from './modules/samples/samples.routes.js';
import { monitoringRoutes } from './modules/monitoring/monitoring.routes.js';
import { MetricsPuller } from './modules/monitoring/puller.js';
import { metricsRegistry } from './modules/monitoring/prometheus.js';
import { MetricsStore } from './modules/monitoring/store.js';
import { alertRoutes } from './modules/alerts/alerts.routes.js';
import { Alerts } from './modules/alerts/alerts.service.js';
import { AlertEvaluator } from './modules/alerts/evaluator.js';
import { usageRoutes } from './modules/usage/usage.routes.js';
import { UsageService } from './modules/usage/usage.service.js';
import { Samples } from './modules/samples/samples.service.js';

const connectOverHttp: ConnectAgent = (host) => new AgentClient(host.url, host.agentToken);

/** One registered route, as the auth hook sees it. */
export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
  /** What the route declares it needs (config.permission). */
  permission: string | null;
  /** A WebSocket route (authorized by a one-time ticket, not per request). */
  websocket: boolean;
}

export interface Api {
  app: FastifyInstance;
  /** Every route in registration order (HEAD twins of GET routes left out). */
  routes: RouteEntry[];
  auth: Auth;
  /** Set when this start created the first admin. */
  firstAdmin: { username: string; password: string } | null;
}

/** Builds the API (without listening): plugins, then services, then routes. */
export async function buildApi(
  config: ApiConfig,
  rawDb: PrismaClient,
  opts: {
    logger?: boolean;
    /** How to reach a host's agent; tests hand in a fake. */
    connectAgent?: ConnectAgent;
    /** Serve HTTPS with this certificate (PEM); plain HTTP without. */
    https?: { key: string; cert: string };
  } = {},
): Promise<Api> {
  // forceCloseConnections: open event streams must not hold up a shutdown.
  // Typed as the HTTP flavour either way: nothing here depends on which server runs below.
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: config.trustedProxies?.length ? config.trustedProxies : false,
    forceCloseConnections: true,
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  const secureCookies = config.secureCookies || opts.https !== undefined;
  useZod(app);
  const db = withUnavailableErrors(rawDb);
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        public: isPublic(route.url, route.config),
        permission: route.config?.permission ?? null,
        websocket: route.websocket === true,
      });
    }
  });
  const webDir =
    config.webDir && existsSync(path.join(config.webDir, 'index.html')) ? config.webDir : null;
  // Unknown pages get the UI's own 404 page; API paths keep their JSON errors.
  installErrorHandler(app, {
    pageNotFound: webDir ? (_req, reply) => reply.status(404).sendFile('404.html') : undefined,
  });

  await app.register(securityHeaders, { hsts: opts.https !== undefined });
  await app.register(openApi);

  // Compressed answers (the web UI's JS most of all); event streams are hijacked and stay raw.
  await app.register(compress, { global: true, threshold: 1024 });
  if (webDir) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      redirect: true,
      index: 'index.html',
      // Hashed build assets never change; pages must be revalidated so a new build shows at once.
      // send's own header (`public, max-age=0`) would replace the one set here.
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader(
          'cache-control',
          file.includes(`${path.sep}_next${path.sep}static${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
        if (file.endsWith('.html')) res.setHeader('content-security-policy', pagePolicy(file));
      },
    });
  }

  const events = new ApiEvents();
  const audit = new Audit(db, app.log.child({ component: 'audit' }));
  await audit.start();
  app.addHook('onClose', async () => audit.stop());
  const auth = new Auth(db, config.sessionHours, config.sessionIdleMinutes);
  const hosts = new Hosts(
    db,
    events,
    app.log.child({ component: 'hosts' }),
    opts.connectAgent ?? connectOverHttp,
  );
  const tasks = new Tasks(db, hosts, events, audit, app.log.child({ component: 'tasks' }));
  app.addHook('onClose', async () => tasks.close());
  const licenses = new LicensesService(db, hosts, trustsTestLicenses(process.env));
  const instances = new InstancesService(hosts, tasks, licenses);
  const visibility = new Visibility(hosts);
  const shells = new Shells(hosts, app.log.child({ component: 'shells' }));
  const recordings = new Recordings({
    db,
    hosts,
    audit,
    dataDir: config.dataDir,
    log: app.log.child({ component: 'recordings' }),
  });
  await recordings.recover();
  recordings.startPruning();
  app.addHook('onClose', async () => recordings.stop());
  const consoles = new ConsolesService({
    hosts,
    auth,
    audit,
    shells,
    tickets: new ConsoleTickets(db),
    shareLinks: new ShareLinks(db),
    allowedOrigins: config.allowedOrigins,
    log: app.log.child({ component: 'consoles' }),
    refusalLimits: config.consoleRefusalLimits,
    recordings,
    limits: config.consoleLimits,
  });
  app.addHook('onClose', async () => consoles.close());

  await app.register(cookie);
  await app.register(authPlugin, { auth, locate: (id) => hosts.findInstance(id) });
  // After the auth hook, which tells whether the session cookie authenticated a request.
  await app.register(csrfPlugin, { secureCookies });
  await app.register(auditPlugin, { audit, db });
  await app.register(healthRoutes);
  await app.register(authRoutes, {
    auth,
    audit,
    throttle: new LoginThrottle(config.loginLimits),
    secureCookies,
  });
  const roles = new Roles(db);
  await app.register(userRoutes, { users: new Users(db, auth, roles) });
  await app.register(roleRoutes, { roles });
  await app.register(hostRoutes, { hosts });
  await app.register(licenseRoutes, { licenses });
  await app.register(problemReportRoutes, { reports: new ProblemReports(db, hosts) });
  await app.register(updateRoutes, { updates: new UpdatesService(hosts, tasks), tasks });
  await app.register(templateRoutes, { templates: new TemplatesService(hosts, tasks), tasks });
  await app.register(taskRoutes, { tasks, visibility, hosts });
  await app.register(auditRoutes, { audit });
  await app.register(eventRoutes, { events, auth, visibility });
  await app.register(instanceRoutes, { instances, tasks, hosts });
  await app.register(privilegedRoutes, { instances, tasks });
  await app.register(maintenanceRoutes, {
    maintenance: new MaintenanceService(hosts, tasks),
    tasks,
    hosts,
  });
  await app.register(storageRoutes, { storage: new StorageService(hosts, tasks), tasks, hosts });
  await app.register(networkRoutes, { networks: new NetworksService(hosts) });
  await app.register(firewallRoutes, { hosts });
  const classTraffic = new ClassTrafficRecorder(
    db,
    hosts,
    app.log.child({ component: 'class-traffic' }),
  );
  classTraffic.start();
  app.addHook('onClose', async () => classTraffic.stop());
  await app.register(networkClassRoutes, { hosts, recorder: classTraffic });
  await app.register(snapshotRoutes, { snapshots: new SnapshotsService(hosts, tasks), tasks });
  await app.register(vmDiskRoutes, { disks: new VmDisksService(hosts, tasks), tasks });
  await app.register(nicRoutes, { hosts, nics: new NicsService(hosts, tasks), tasks });
  await app.register(vmHardwareRoutes, { hosts });
  await app.register(vmCdromRoutes, { drives: new VmCdromsService(hosts, tasks), tasks });
  await app.register(vmDeviceRoutes, { hosts, usb: new VmUsbService(hosts, tasks), tasks });
  await app.register(processRoutes, { processes: new ProcessesService(hosts) });
  await app.register(isoRoutes, { isos: new IsosService(hosts, db) });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(consoleRoutes, { consoles, shells });
  await app.register(consoleSocketRoutes, { consoles });
  await app.register(recordingRoutes, { recordings });
  await app.register(sampleRoutes, { samples: new Samples(db, hosts) });
  const metricsStore = new MetricsStore(db, providerOf(config.databaseUrl));
  const alertEvaluator = new AlertEvaluator(
    db,
    hosts,
    events,
    app.log.child({ component: 'alerts' }),
  );
  await alertEvaluator.init();
  const puller = new MetricsPuller(
    db,
    hosts,
    metricsStore,
    app.log.child({ component: 'metrics' }),
    alertEvaluator,
  );
  puller.start();
  app.addHook('onClose', async () => puller.stop());
  await app.register(monitoringRoutes, {
    hosts,
    store: metricsStore,
    puller,
    registry: metricsRegistry(puller, cachedClassCounters(hosts)),
  });
  await app.register(usageRoutes, { usage: new UsageService(db, hosts) });
  await app.register(alertRoutes, {
    alerts: new Alerts(db, (ruleId) => alertEvaluator.ruleChanged(ruleId)),
  });

  await hosts.init(config.localAgent);
  app.addHook('onClose', async () => hosts.close());
  const firstAdmin = await auth.ensureFirstAdmin(config.initialAdminPassword);
  return { app, routes, auth, firstAdmin };
}
