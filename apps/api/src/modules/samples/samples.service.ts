import type { PrismaClient } from '@berth/db';
import type {
  ConfigSample,
  CreateSample,
  HostFacts,
  LimitHost,
  LimitValidation,
  Limits,
  SampleDiff,
  SplitResult,
  UpdateSample,
} from '@berth/contracts';
import {
  Limits as LimitsSchema,
  conflict,
  notFound,
  validateLimits,
  wrongState,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import { scaleLimits, splitHost } from './arithmetic.js';
import { sampleDiff } from './sample-diff.js';

type SampleRow = NonNullable<Awaited<ReturnType<PrismaClient['configSample']['findUnique']>>>;

/** Shipped with Berth, in code like the built-in roles: read-only, the same on every console. */
const BUILTIN: ReadonlyArray<{ name: string; description: string; limits: Limits }> = [
  {
    name: 'small',
    description: 'Half a CPU, 256 MiB, 2 GiB of disk: a small service or a test box.',
    limits: {
      cpu: { weight: 50, cap: 50, count: 1 },
      memory: { limitMiB: 256 },
      disk: { sizeMiB: 2048 },
      processes: 256,
    },
  },
  {
    name: 'medium',
    description: 'One CPU, 1 GiB, 8 GiB of disk: a typical web or application server.',
    limits: {
      cpu: { weight: 100, cap: 100, count: 1 },
      memory: { limitMiB: 1024 },
      disk: { sizeMiB: 8192 },
      processes: 1024,
    },
  },
  {
    name: 'large',
    description: 'Two CPUs, 4 GiB, 32 GiB of disk: a database or a build machine.',
    limits: {
      cpu: { weight: 200, cap: 200, count: 2 },
      memory: { limitMiB: 4096 },
      disk: { sizeMiB: 32768 },
      processes: 4096,
    },
  },
];

const builtinView = (b: (typeof BUILTIN)[number]): ConfigSample => ({
  id: b.name,
  name: b.name,
  description: b.description,
  limits: b.limits,
  builtin: true,
  createdBy: null,
  updatedAt: null,
});

const customView = (r: SampleRow): ConfigSample => ({
  id: r.id,
  name: r.name,
  description: r.description,
  // Written through the contract; parsed again so a row edited by hand cannot pass a bad shape on.
  limits: LimitsSchema.parse(JSON.parse(r.limits)) as Limits,
  builtin: false,
  createdBy: r.createdBy,
  updatedAt: r.updatedAt.toISOString(),
});

const isUniqueViolation = (err: unknown) => (err as { code?: unknown }).code === 'P2002';

const limitHostOf = (facts: HostFacts): LimitHost => ({
  cpus: facts.cpus,
  memoryBytes: facts.memoryBytes,
  cgroup: facts.cgroup,
});

/** Named configuration samples, and the arithmetic around them that needs a host or an instance. */
export class Samples {
  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
  ) {}

  async list(): Promise<ConfigSample[]> {
    const rows = await this.db.configSample.findMany({ orderBy: { name: 'asc' } });
    return [...BUILTIN.map(builtinView), ...rows.map(customView)];
  }

  async get(id: string): Promise<ConfigSample> {
    const builtin = BUILTIN.find((b) => b.name === id);
    if (builtin) return builtinView(builtin);
    const row = await this.db.configSample.findUnique({ where: { id } });
    if (!row) throw notFound(`sample ${id}`);
    return customView(row);
  }

  private async custom(id: string): Promise<SampleRow> {
    if (BUILTIN.some((b) => b.name === id))
      throw wrongState(
        `${id} is a built-in sample and cannot be changed; save a copy under a new name`,
      );
    const row = await this.db.configSample.findUnique({ where: { id } });
    if (!row) throw notFound(`sample ${id}`);
    return row;
  }

  private async checkName(name: string, except?: string): Promise<void> {
    if (BUILTIN.some((b) => b.name.toLowerCase() === name.toLowerCase()))
      throw conflict(`${name} is the name of a built-in sample`, 'name');
    const same = await this.db.configSample.findUnique({ where: { name } });
    if (same && same.id !== except) throw conflict(`a sample named ${name} exists`, 'name');
  }

  /** The database's unique index decides a race the name check lost. */
  private async write<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a sample named ${name} exists`, 'name');
      throw err;
    }
  }

  async create(spec: CreateSample, createdBy: string): Promise<ConfigSample> {
    await this.checkName(spec.name);
    const row = await this.write(spec.name, () =>
      this.db.configSample.create({
        data: {
          name: spec.name,
          description: spec.description,
          limits: JSON.stringify(spec.limits),
          createdBy,
        },
      }),
    );
    return customView(row);
  }

  async update(
    id: string,
    patch: UpdateSample,
  ): Promise<{ before: ConfigSample; after: ConfigSample }> {
    const row = await this.custom(id);
    if (patch.name !== undefined) await this.checkName(patch.name, id);
    const updated = await this.write(patch.name, () =>
      this.db.configSample.update({
        where: { id },
        data: {
          name: patch.name,
          description: patch.description,
          limits: patch.limits && JSON.stringify(patch.limits),
        },
      }),
    );
    return { before: customView(row), after: customView(updated) };
  }

  async delete(id: string): Promise<ConfigSample> {
    const row = await this.custom(id);
    // Instances keep the limits they were given: a sample is a starting point, not a link.
    await this.db.configSample.delete({ where: { id } });
    return customView(row);
  }

  async split(count: number, hostId?: string): Promise<SplitResult> {
    const facts = await this.hosts.pick(hostId).client.facts();
    return splitHost(facts, count);
  }

  scale(limits: Limits, factor: number): Limits {
    return scaleLimits(limits, factor);
  }

  /** An instance's limits against its host and themselves, each problem with its fix. */
  async validate(instanceId: string): Promise<LimitValidation> {
    const instance = await this.hosts.findInstance(instanceId);
    const facts = await this.hosts.client(instance.hostId).facts();
    return { problems: validateLimits(instance.limits, instance.kind, limitHostOf(facts)) };
  }

  async diff(instanceId: string, sampleId: string): Promise<SampleDiff> {
    const sample = await this.get(sampleId);
    const instance = await this.hosts.findInstance(instanceId);
    const facts = await this.hosts.client(instance.hostId).facts();
    return sampleDiff(instance, sample, limitHostOf(facts));
  }
}
