import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Template, VmTemplateRef } from '@berth/contracts';
import {
  badRequest,
  conflict,
  LOGIN_HINTS,
  notFound,
  TemplateName,
  VmTemplateName,
} from '@berth/contracts';
import { buildTinyLinux, tinyLinuxPaths } from '../guest-images/index.js';
import { GUEST_MODULES } from '../guest-images/modules.js';
import { KeyedLock } from '../locks.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import type { IsoStore } from '../storage/isos.js';

type Progress = (fraction: number, message: string) => void;

/** Room a tiny-linux build takes at its peak: the unpacked kernel package, the disk, the ISO. */
const BUILD_BYTES = 480 * 1024 * 1024;

interface Meta {
  builtAt: string;
  sizeBytes: number;
  /** Each build gets its own folder: linked clones keep pointing at the base they were made from. */
  version: string;
  /** The guest modules it was built with: a cache built with others is built again. */
  modules?: string;
}

const MODULES_STAMP = GUEST_MODULES.join(',');

/** What a template made from a VM says about itself, beside its disk. */
export interface CustomMeta {
  builtAt: string;
  sizeBytes: number;
  description: string;
  /** The VM it was made from. */
  from: string;
}

export const CUSTOM_META = 'berth-template.json';
export const CUSTOM_DISK = 'disk.qcow2';

const isBuiltIn = (name: string): name is VmTemplateName => VmTemplateName.safeParse(name).success;

const DESCRIPTIONS: Record<VmTemplateName, string> = {
  'tiny-linux':
    "Debian's kernel with a busybox userland and QEMU's guest agent: boots in seconds, for tests and appliances",
};

/**
 * VM templates: a bootable qcow2 disk (the read-only base of linked clones) and the
 * same system as an ISO, built here from Debian's packages. The ISO also goes into
 * the host's ISO store, so "boot a VM from an ISO" works on a fresh host.
 */
export class VmTemplates {
  private readonly lock = new KeyedLock();
  /** The VMs whose disks are overlays of this base file (set by the agent once VMs are known). */
  private dependents: (base: string) => Promise<string[]> = async () => [];

  /** @param customDir where templates made from VMs live: agent state, never a shared cache */
  constructor(
    private readonly dir: string,
    private readonly isos: IsoStore,
    readonly customDir: string,
  ) {}

  dependentsWith(fn: (base: string) => Promise<string[]>): void {
    this.dependents = fn;
  }

  /** The folder of a template made from a VM. */
  customFolder(name: string): string {
    return path.join(this.customDir, name);
  }

  private async customMeta(name: string): Promise<CustomMeta | null> {
    try {
      return JSON.parse(
        await readFile(path.join(this.customFolder(name), CUSTOM_META), 'utf8'),
      ) as CustomMeta;
    } catch {
      return null;
    }
  }

  private async customNames(): Promise<string[]> {
    const entries = await readdir(this.customDir).catch(() => [] as string[]);
    // Folders still being written end in .part (see the conversion): not templates yet.
    return entries.filter((e) => !e.endsWith('.part')).sort();
  }

  /** Whether a template of this name exists, built-in or made from a VM. */
  async exists(name: string): Promise<boolean> {
    return isBuiltIn(name) || (await this.customMeta(name)) !== null;
  }

  /** Whether the name is free for a new template: container templates share the folder. */
  async taken(name: string): Promise<boolean> {
    if (await this.exists(name)) return true;
    return (await stat(this.customFolder(name)).catch(() => null)) !== null;
  }

  private customTemplate(name: string, meta: CustomMeta): Template {
    return {
      name,
      description: meta.description || `made from VM ${meta.from}`,
      loginHint: null,
      kind: 'vm',
      cached: true,
      building: false,
      sizeBytes: meta.sizeBytes,
      builtAt: meta.builtAt,
      custom: true,
    };
  }

  async getCustom(name: string): Promise<Template> {
    const meta = await this.customMeta(name);
    if (!meta) throw notFound(`template ${name}`);
    return this.customTemplate(name, meta);
  }

  /** Deletes a template made from a VM; refused, naming them, while VMs' disks are overlays of it. */
  async remove(name: string): Promise<void> {
    if (TemplateName.safeParse(name).success) {
      throw badRequest(`${name} is a built-in template; it cannot be deleted`);
    }
    await this.getCustom(name);
    const users = await this.dependents(path.join(this.customFolder(name), CUSTOM_DISK));
    if (users.length) {
      throw conflict(
        `template ${name} is the base of linked clones: ${users.join(', ')}; delete them first`,
      );
    }
    await rm(this.customFolder(name), { recursive: true, force: true });
  }

  private folder(name: VmTemplateName): string {
    return path.join(this.dir, 'vm', name);
  }

  /** The current base disk, or null when the template is not built. */
  async disk(name: VmTemplateRef): Promise<string | null> {
    if (!isBuiltIn(name)) {
      return (await this.customMeta(name)) && path.join(this.customFolder(name), CUSTOM_DISK);
    }
    const meta = await this.meta(name);
    return meta && path.join(this.folder(name), meta.version, 'disk.qcow2');
  }

  /** The template's kernel, for probing whether KVM really boots a guest here. */
  async kernel(name: VmTemplateName): Promise<string | null> {
    const meta = await this.meta(name);
    return meta && tinyLinuxPaths(path.join(this.folder(name), meta.version)).kernel;
  }

  async list(): Promise<Template[]> {
    const builtIn = await Promise.all(
      (Object.keys(DESCRIPTIONS) as VmTemplateName[]).map((n) => this.get(n)),
    );
    const custom: Template[] = [];
    for (const name of await this.customNames()) {
      const meta = await this.customMeta(name);
      if (meta) custom.push(this.customTemplate(name, meta));
    }
    return [...builtIn, ...custom];
  }

  async get(name: VmTemplateName): Promise<Template> {
    const meta = await this.meta(name);
    return {
      name,
      description: DESCRIPTIONS[name],
      loginHint: LOGIN_HINTS[name],
      kind: 'vm',
      cached: meta !== null,
      building: this.lock.isBusy(name),
      sizeBytes: meta?.sizeBytes ?? null,
      builtAt: meta?.builtAt ?? null,
      custom: false,
    };
  }

  assertNotBuilding(name: VmTemplateName): void {
    if (this.lock.isBusy(name)) throw conflict(`template ${name} is being built already`);
  }

  /** Builds a built-in template when it is not; one made from a VM is there or is a 400. */
  async ensure(name: VmTemplateRef, progress: Progress, rebuild = false): Promise<Template> {
    if (!isBuiltIn(name)) {
      if (!(await this.customMeta(name))) throw badRequest(`there is no VM template ${name}`);
      return this.getCustom(name);
    }
    await this.lock.with(name, async () => {
      if (!rebuild && (await this.meta(name))) return;
      const builtAt = new Date().toISOString();
      const version = builtAt.replace(/[^0-9]/g, '');
      const out = path.join(this.folder(name), version);
      await mkdir(path.dirname(out), { recursive: true });
      await assertFreeSpace(this.dir, BUILD_BYTES, `building template ${name}`);
      const built = await buildTinyLinux(out, progress).catch(async (err: unknown) => {
        throw await explainNoSpace(err, out);
      });
      const meta: Meta = {
        builtAt,
        sizeBytes: (await stat(built.disk)).size,
        version,
        modules: MODULES_STAMP,
      };
      await writeFile(path.join(this.folder(name), 'berth-template.json'), JSON.stringify(meta));
    });
    // Also when the cache was already there: a template dir can be shared by several agents.
    const meta = await this.meta(name);
    if (meta)
      await this.isos.adopt(
        `${name}.iso`,
        tinyLinuxPaths(path.join(this.folder(name), meta.version)).iso,
      );
    return this.get(name);
  }

  private async meta(name: VmTemplateName): Promise<Meta | null> {
    try {
      const meta = JSON.parse(
        await readFile(path.join(this.folder(name), 'berth-template.json'), 'utf8'),
      ) as Meta;
      await stat(path.join(this.folder(name), meta.version, 'disk.qcow2'));
      return meta.modules === MODULES_STAMP ? meta : null;
    } catch {
      return null;
    }
  }
}
