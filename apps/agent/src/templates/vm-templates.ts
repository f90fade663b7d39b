import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Template, VmTemplateName } from '@berth/contracts';
import { conflict, LOGIN_HINTS } from '@berth/contracts';
import { buildTinyLinux, tinyLinuxPaths } from '../guest-images/index.js';
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
}

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

  constructor(
    private readonly dir: string,
    private readonly isos: IsoStore,
  ) {}

  private folder(name: VmTemplateName): string {
    return path.join(this.dir, 'vm', name);
  }

  /** The current base disk, or null when the template is not built. */
  async disk(name: VmTemplateName): Promise<string | null> {
    const meta = await this.meta(name);
    return meta && path.join(this.folder(name), meta.version, 'disk.qcow2');
  }

  /** The template's kernel, for probing whether KVM really boots a guest here. */
  async kernel(name: VmTemplateName): Promise<string | null> {
    const meta = await this.meta(name);
    return meta && tinyLinuxPaths(path.join(this.folder(name), meta.version)).kernel;
  }

  async list(): Promise<Template[]> {
    return Promise.all((Object.keys(DESCRIPTIONS) as VmTemplateName[]).map((n) => this.get(n)));
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
    };
  }

  assertNotBuilding(name: VmTemplateName): void {
    if (this.lock.isBusy(name)) throw conflict(`template ${name} is being built already`);
  }

  async ensure(name: VmTemplateName, progress: Progress, rebuild = false): Promise<Template> {
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
      const meta: Meta = { builtAt, sizeBytes: (await stat(built.disk)).size, version };
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
      return meta;
    } catch {
      return null;
    }
  }
}
