import {
  badRequest,
  conflict,
  FREE_EDITION,
  licenseState,
  parseLicense,
  type Host,
  type Instance,
  type InstanceKind,
  type LicenseDocument,
  type LicenseLimits,
  type LicensesOverview,
  type LicenseState,
  type LicenseView,
} from '@berth/contracts';
import type { PrismaClient } from '@berth/db';
import type { Hosts } from '../hosts/hosts.service.js';

const CONSOLE_KEY = 'license.console';
/** Which host each host license is active on: a license moved away is refused on its old host. */
const PLACEMENTS_KEY = 'license.placements';

/** Instances that hold a licensed slot: anything but stopped. */
const IN_USE = new Set(['starting', 'running', 'stopping', 'frozen', 'paused', 'suspended']);

const usable = (s: LicenseState | null) => s === 'valid' || s === 'grace';

const summary = (d: LicenseDocument | null) => {
  if (!d) return null;
  const { id, licensee, keyId, edition, scope, issuedAt, expiresAt, graceDays } = d.payload;
  return { id, licensee, keyId, edition, scope, issuedAt, expiresAt, graceDays };
};

/** What a host's limits come from, with the license shown for it. */
interface Effective {
  source: 'host' | 'console' | 'free';
  limits: LicenseLimits;
  shown: LicenseDocument | null;
  state: LicenseState | null;
  daysLeft: number | null;
}

/**
 * Licenses: one console-wide (a Setting), and one per host in its agent's data dir. A host's
 * running limits come from its own usable license, else the console's, else the free edition,
 * and count that host's instances; the hosts limit counts the console's hosts.
 */
export class LicensesService {
  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
    /** BERTH_TRUST_TEST_LICENSES=1: the test key is trusted (tests only). */
    private readonly trustTest: boolean,
  ) {}

  private state(doc: LicenseDocument) {
    return licenseState(doc, new Date(), this.trustTest);
  }

  private async setting<T>(key: string, fallback: T): Promise<T> {
    const row = await this.db.setting.findUnique({ where: { key } });
    return row ? (JSON.parse(row.value) as T) : fallback;
  }

  private async save(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    await this.db.setting.upsert({
      where: { key },
      create: { key, value: text },
      update: { value: text },
    });
  }

  private consoleLicense() {
    return this.setting<LicenseDocument | null>(CONSOLE_KEY, null);
  }

  private placements() {
    return this.setting<Record<string, string>>(PLACEMENTS_KEY, {});
  }

  /** The state of a host's own license: moved away counts as refused, whatever its dates. */
  private async ownState(
    doc: LicenseDocument,
    hostId: string,
    placements: Record<string, string>,
  ): Promise<{ state: LicenseState; daysLeft: number | null }> {
    const placed = placements[doc.payload.id];
    if (placed && placed !== hostId) return { state: 'moved', daysLeft: null };
    return this.state(doc);
  }

  private async effective(
    hostId: string,
    own: LicenseDocument | null,
    consoleDoc: LicenseDocument | null,
    placements: Record<string, string>,
  ): Promise<Effective> {
    const ownCheck = own ? await this.ownState(own, hostId, placements) : null;
    if (own && ownCheck && usable(ownCheck.state))
      return { source: 'host', limits: own.payload.limits, shown: own, ...ownCheck };
    const consoleCheck = consoleDoc ? await this.state(consoleDoc) : null;
    const fallback =
      consoleDoc && consoleCheck && usable(consoleCheck.state)
        ? { source: 'console' as const, limits: consoleDoc.payload.limits }
        : { source: 'free' as const, limits: FREE_EDITION };
    // A host's own license that is refused stays on show, so its status explains the fallback.
    if (own && ownCheck) return { ...fallback, shown: own, ...ownCheck };
    return {
      ...fallback,
      shown: fallback.source === 'console' ? consoleDoc : null,
      state: fallback.source === 'console' ? consoleCheck!.state : null,
      daysLeft: fallback.source === 'console' ? consoleCheck!.daysLeft : null,
    };
  }

  async overview(): Promise<LicensesOverview> {
    const [hostList, instances, consoleDoc, placements] = await Promise.all([
      this.hosts.list(),
      this.hosts.instances(),
      this.consoleLicense(),
      this.placements(),
    ]);
    const views = await Promise.all(
      hostList.map((h) => this.hostView(h, instances, consoleDoc, placements, hostList.length)),
    );
    const consoleCheck = consoleDoc ? await this.state(consoleDoc) : null;
    const limits =
      consoleDoc && consoleCheck && usable(consoleCheck.state)
        ? consoleDoc.payload.limits
        : FREE_EDITION;
    const usage = {
      hosts: hostList.length,
      cores: Math.max(0, ...hostList.map((h) => h.facts?.cpus ?? 0)),
      runningVms: count(instances, 'vm'),
      runningContainers: count(instances, 'ct'),
    };
    return {
      console: {
        hostId: null,
        hostName: null,
        source: limits === FREE_EDITION ? 'free' : 'console',
        license: summary(consoleDoc),
        state: consoleCheck?.state ?? null,
        daysLeft: consoleCheck?.daysLeft ?? null,
        limits,
        usage,
        overLimit: usage.hosts > limits.hosts ? [`hosts: ${usage.hosts} of ${limits.hosts}`] : [],
        unreachable: false,
      },
      hosts: views,
      free: FREE_EDITION,
      testKeysTrusted: this.trustTest,
    };
  }

  private async hostView(
    host: Host,
    instances: Instance[],
    consoleDoc: LicenseDocument | null,
    placements: Record<string, string>,
    hostCount: number,
  ): Promise<LicenseView> {
    const own = host.facts
      ? await this.hosts
          .client(host.id)
          .license()
          .then((l) => l.license)
          .catch(() => null)
      : null;
    const e = await this.effective(host.id, own, consoleDoc, placements);
    const mine = instances.filter((i) => i.hostId === host.id);
    const usage = {
      hosts: hostCount,
      cores: host.facts?.cpus ?? 0,
      runningVms: count(mine, 'vm'),
      runningContainers: count(mine, 'ct'),
    };
    return {
      hostId: host.id,
      hostName: host.name,
      source: e.source,
      license: summary(e.shown),
      state: e.state,
      daysLeft: e.daysLeft,
      limits: e.limits,
      usage,
      overLimit: overLimit(e.limits, usage),
      unreachable: !host.facts,
    };
  }

  /**
   * Refuses new work (a create, a start) on a host registered beyond the console's hosts limit.
   * The console's own host counts first, then the others in the order they were added, so the
   * one added over the limit is the one refused; what runs there already keeps running.
   */
  async admitHost(hostId: string): Promise<void> {
    const [rows, consoleDoc] = await Promise.all([
      this.db.host.findMany({
        orderBy: [{ isLocal: 'desc' }, { createdAt: 'asc' }],
        select: { id: true },
      }),
      this.consoleLicense(),
    ]);
    const rank = rows.findIndex((r) => r.id === hostId);
    const check = consoleDoc ? await this.state(consoleDoc) : null;
    const licensed = consoleDoc && check && usable(check.state);
    const limit = licensed ? consoleDoc.payload.limits.hosts : FREE_EDITION.hosts;
    if (rank < limit) return;
    const from = licensed
      ? `the console license (${consoleDoc.payload.edition})`
      : 'the free edition';
    throw conflict(
      `license limit reached: hosts ${rows.length} registered, ${limit} allowed under ${from}; this host was added beyond the limit, so it takes no new work: remove a host or install a console license that allows more`,
    );
  }

  /**
   * Refuses a start that would take the host's running instances of that kind beyond its
   * license. Nothing already running is ever stopped by a license.
   */
  async admitStart(hostId: string, kind: InstanceKind): Promise<void> {
    await this.admitHost(hostId);
    const [own, consoleDoc, placements, instances] = await Promise.all([
      this.hosts
        .client(hostId)
        .license()
        .then((l) => l.license),
      this.consoleLicense(),
      this.placements(),
      this.hosts.instances(),
    ]);
    const e = await this.effective(hostId, own, consoleDoc, placements);
    const inUse = count(
      instances.filter((i) => i.hostId === hostId),
      kind,
    );
    const limit = kind === 'vm' ? e.limits.runningVms : e.limits.runningContainers;
    if (inUse < limit) return;
    const what = kind === 'vm' ? 'running VMs' : 'running containers';
    const from =
      e.source === 'free'
        ? 'the free edition'
        : `the ${e.source} license (${e.shown?.payload.edition})`;
    throw conflict(
      `license limit reached: ${what} ${inUse} of ${limit} in use on this host under ${from}; stop one or install a license that allows more`,
    );
  }

  private async read(text: string, scope: 'console' | 'host'): Promise<LicenseDocument> {
    const doc = parseLicense(text);
    if (!doc) throw badRequest('not a Berth license file', 'license');
    if (doc.payload.scope !== scope)
      throw badRequest(
        scope === 'console'
          ? 'a host license: install it on a host'
          : 'a console-wide license: install it for the console',
        'license',
      );
    const { state } = await this.state(doc);
    if (state === 'invalid-signature' || state === 'unknown-key')
      throw badRequest(`license refused: ${state.replace('-', ' ')}`, 'license');
    return doc;
  }

  /** Installs or replaces the console-wide license; answers the key ids before and after. */
  async installConsole(text: string) {
    const doc = await this.read(text, 'console');
    const before = await this.consoleLicense();
    await this.save(CONSOLE_KEY, doc);
    return { before: idsOf(before), after: ids(doc) };
  }

  async removeConsole() {
    const before = await this.consoleLicense();
    await this.db.setting.deleteMany({ where: { key: CONSOLE_KEY } });
    return { before: idsOf(before) };
  }

  /** Installs or replaces a host's license; one active elsewhere must be transferred instead. */
  async installHost(hostId: string, text: string) {
    const doc = await this.read(text, 'host');
    const client = this.hosts.client(hostId);
    const placements = await this.placements();
    const placed = placements[doc.payload.id];
    if (placed && placed !== hostId)
      throw conflict(
        `this license is active on host ${placed}: transfer it from there instead`,
        'license',
      );
    const before = (await client.license()).license;
    // Recorded first: a crash after this leaves the license placed here, where the retry puts it.
    if (before && placements[before.payload.id] === hostId) delete placements[before.payload.id];
    placements[doc.payload.id] = hostId;
    await this.save(PLACEMENTS_KEY, placements);
    await client.putLicense({ license: text });
    return { before: idsOf(before), after: ids(doc) };
  }

  async removeHost(hostId: string) {
    const client = this.hosts.client(hostId);
    const before = (await client.license()).license;
    await client.deleteLicense();
    if (before) {
      const placements = await this.placements();
      if (placements[before.payload.id] === hostId) {
        delete placements[before.payload.id];
        await this.save(PLACEMENTS_KEY, placements);
      }
    }
    return { before: idsOf(before) };
  }

  /**
   * Moves a host's license to another host. The placement changes first, so from then on the
   * old host's copy is refused even if deleting it there fails (host offline).
   */
  async transfer(hostId: string, toHostId: string) {
    if (hostId === toHostId) throw badRequest('the license is on that host already', 'toHostId');
    const from = this.hosts.client(hostId);
    const to = this.hosts.client(toHostId);
    const doc = (await from.license()).license;
    if (!doc) throw conflict('this host has no license of its own to transfer');
    const placements = await this.placements();
    if (placements[doc.payload.id] && placements[doc.payload.id] !== hostId)
      throw conflict('this license was moved away from this host already');
    if ((await to.license()).license)
      throw conflict('the target host has a license of its own: remove it first', 'toHostId');
    placements[doc.payload.id] = toHostId;
    await this.save(PLACEMENTS_KEY, placements);
    await to.putLicense({ license: JSON.stringify(doc) });
    await from.deleteLicense().catch(() => undefined);
    return { licenseId: doc.payload.id, keyId: doc.payload.keyId, from: hostId, to: toHostId };
  }
}

const count = (instances: Instance[], kind: InstanceKind) =>
  instances.filter((i) => i.kind === kind && IN_USE.has(i.state)).length;

/** What the audit row names of a license: enough to tell which one was replaced by which. */
const ids = (d: LicenseDocument) => ({
  licenseId: d.payload.id,
  keyId: d.payload.keyId,
  edition: d.payload.edition,
});
const idsOf = (d: LicenseDocument | null) => (d ? ids(d) : null);

function overLimit(limits: LicenseLimits, usage: LicenseView['usage']): string[] {
  const over: string[] = [];
  if (usage.hosts > limits.hosts) over.push(`hosts: ${usage.hosts} of ${limits.hosts}`);
  if (usage.cores > limits.coresPerHost)
    over.push(`cores: ${usage.cores} of ${limits.coresPerHost}`);
  if (usage.runningVms > limits.runningVms)
    over.push(`running VMs: ${usage.runningVms} of ${limits.runningVms}`);
  if (usage.runningContainers > limits.runningContainers)
    over.push(`running containers: ${usage.runningContainers} of ${limits.runningContainers}`);
  return over;
}
