import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import type {
  CtTemplateName as TemplateName,
  CtTemplateRef,
  Template,
  TemplatePackageChanges,
  TemplatePackages,
} from '@berth/contracts';
import { badRequest, conflict, CtTemplateName, LOGIN_HINTS } from '@berth/contracts';
import { KeyedLock } from '../locks.js';
import { run, runLines } from '../run.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import type { CtCustomTemplates } from './ct-templates.js';
import { buildBusyboxRootfs } from './rootfs-busybox.js';
import { buildDebianRootfs } from './rootfs-debian.js';
import {
  installedPackages,
  packageChanges,
  type PackageList,
} from '../updates/template-packages.js';

type Progress = (fraction: number, message: string) => void;

interface TemplateDefinition {
  name: TemplateName;
  description: string;
  /** Signal that makes this init shut down cleanly (lxc.signal.halt). */
  haltSignal: string;
  /** Room a build takes at its peak: the tree, its tarball, and the tools' downloads. */
  buildBytes: number;
  build(root: string, progress: Progress, debianMirror: string): Promise<void>;
}

const DEFINITIONS: Record<TemplateName, TemplateDefinition> = {
  busybox: {
    name: 'busybox',
    description: 'BusyBox: a tiny shell-only system, for tests and utility containers',
    haltSignal: 'SIGUSR2',
    buildBytes: 16 * 1024 * 1024,
    build: (root) => buildBusyboxRootfs(root),
  },
  'debian-12': {
    name: 'debian-12',
    description: 'Debian 12 (bookworm) minimal, with systemd',
    haltSignal: 'SIGRTMIN+3',
    buildBytes: 700 * 1024 * 1024,
    build: (root, progress, mirror) => buildDebianRootfs(root, mirror, progress),
  },
};

/** Build folders are named `.build-<template>-<pid>-<random>`. */
export const BUILD_PREFIX = '.build-';

interface CacheMeta {
  builtAt: string;
  sizeBytes: number;
  /** Space the unpacked tree takes, to refuse disks too small for it up front. */
  unpackedBytes: number;
  /** dpkg's packages in the tree; absent in caches built before they were kept, null without dpkg. */
  packages?: PackageList | null;
}

const isBuiltIn = (name: string): name is TemplateName => CtTemplateName.safeParse(name).success;

/**
 * OS templates: each one a root filesystem tarball (zstd) built here from Debian's packages,
 * and those made from containers or imported (`custom`), which containers are made from alike.
 */
export class Templates {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly dir: string,
    private readonly debianMirror: string,
    readonly custom: CtCustomTemplates,
  ) {}

  definition(name: TemplateName): TemplateDefinition {
    return DEFINITIONS[name];
  }

  /**
   * The halt signal of a built-in template. A container made from a custom one keeps its own
   * in its record (the template may be deleted); SIGPWR is LXC's default.
   */
  haltSignal(name: string): string {
    return isBuiltIn(name) ? DEFINITIONS[name].haltSignal : 'SIGPWR';
  }

  tarball(name: CtTemplateRef): string {
    return isBuiltIn(name) ? path.join(this.dir, `${name}.tar.zst`) : this.custom.tarball(name);
  }

  async list(): Promise<Template[]> {
    const builtIn = await Promise.all(Object.values(DEFINITIONS).map((d) => this.get(d.name)));
    return [...builtIn, ...(await this.custom.list())];
  }

  async get(name: TemplateName): Promise<Template> {
    const meta = await this.meta(name);
    return {
      name,
      description: DEFINITIONS[name].description,
      loginHint: LOGIN_HINTS[name],
      kind: 'ct',
      cached: meta !== null,
      building: this.lock.isBusy(name),
      sizeBytes: meta?.sizeBytes ?? null,
      builtAt: meta?.builtAt ?? null,
      custom: false,
    };
  }

  assertNotBuilding(name: TemplateName): void {
    if (this.lock.isBusy(name)) throw conflict(`template ${name} is being built already`);
  }

  /** A custom template that is not there is a 400 before anything is reserved. */
  async assertKnown(name: CtTemplateRef): Promise<void> {
    if (!isBuiltIn(name) && !(await this.custom.meta(name))) {
      throw badRequest(`there is no container template ${name}`, 'template');
    }
  }

  /**
   * Builds the cache when missing (or always, with rebuild); concurrent callers share one build.
   * A rebuild answers what it changed against the cache it replaced, when both lists are known.
   */
  async ensure(
    name: CtTemplateRef,
    progress: Progress,
    rebuild = false,
  ): Promise<Template & { changes?: TemplatePackageChanges }> {
    if (!isBuiltIn(name)) {
      await this.assertKnown(name);
      return this.custom.get(name);
    }
    let changes: TemplatePackageChanges | undefined;
    await this.lock.with(name, async () => {
      const previous = await this.meta(name);
      if (!rebuild && previous) return;
      await mkdir(this.dir, { recursive: true });
      await assertFreeSpace(this.dir, DEFINITIONS[name].buildBytes, `building template ${name}`);
      // The pid in the name tells a later agent whether the build's owner is still alive.
      const work = await mkdtemp(path.join(this.dir, `${BUILD_PREFIX}${name}-${process.pid}-`));
      try {
        const root = path.join(work, 'rootfs');
        await mkdir(root);
        progress(0.02, 'building root filesystem');
        await DEFINITIONS[name].build(
          root,
          (f, m) => progress(0.02 + f * 0.8, m),
          this.debianMirror,
        );
        const du = await run('du', ['-s', '-B1', '-x', root]);
        const unpackedBytes = Number(du.stdout.split('\t')[0]);
        const packages = await installedPackages(root);
        if (previous?.packages && packages) changes = packageChanges(previous.packages, packages);
        progress(0.85, 'packing the template cache');
        const out = path.join(work, 'rootfs.tar.zst');
        await run('tar', ['--numeric-owner', '--xattrs', '--zstd', '-C', root, '-cf', out, '.'], {
          timeoutMs: 30 * 60_000,
        });
        const sizeBytes = (await stat(out)).size;
        // Rename is atomic: a create never sees a half-written cache.
        await rename(out, this.tarball(name));
        const meta: CacheMeta = {
          builtAt: new Date().toISOString(),
          sizeBytes,
          unpackedBytes,
          packages,
        };
        await writeFile(this.metaFile(name), JSON.stringify(meta));
      } catch (err) {
        throw await explainNoSpace(err, work);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    });
    return { ...(await this.get(name)), ...(changes && { changes }) };
  }

  /** The cache's packages as captured when it was built. */
  async packages(name: TemplateName): Promise<TemplatePackages> {
    const meta = await this.meta(name);
    const list = meta?.packages;
    return {
      template: name,
      builtAt: meta?.builtAt ?? null,
      packages: list
        ? Object.entries(list)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([n, version]) => ({ name: n, version }))
        : null,
    };
  }

  /** The smallest disk this template fits in (with room for ext4's own metadata), when known. */
  async minDiskBytes(name: CtTemplateRef): Promise<number | null> {
    const meta = isBuiltIn(name) ? await this.meta(name) : await this.custom.meta(name);
    return meta ? Math.ceil(meta.unpackedBytes * 1.1) + 16 * 1024 * 1024 : null;
  }

  /**
   * Unpacks the cache into a mounted private area. A custom template's file capabilities are
   * written for the host's root, as a built-in cache holds them: the shift that follows makes
   * them the new container's.
   */
  async extract(name: CtTemplateRef, dest: string, progress: Progress): Promise<void> {
    let files = 0;
    await runLines(
      'tar',
      [
        '--numeric-owner',
        '--xattrs',
        '--xattrs-include=*',
        '--zstd',
        '-xpf',
        this.tarball(name),
        '-C',
        dest,
        '--checkpoint=2000',
        '--checkpoint-action=echo=%u',
      ],
      () => progress(Math.min(0.95, ++files / 60), 'unpacking the template'),
      { timeoutMs: 30 * 60_000 },
    );
    if (isBuiltIn(name)) return;
    const root = await realpath(dest);
    for (const { file, caps } of (await this.custom.meta(name))?.capabilities ?? []) {
      // An imported meta is not trusted: only regular files inside the tree, never through a link.
      const target = await realpath(path.join(root, file)).catch(() => null);
      if (!target?.startsWith(`${root}/`) || !(await lstat(target)).isFile()) continue;
      await run('setcap', [caps, target]);
    }
  }

  private metaFile(name: TemplateName): string {
    return path.join(this.dir, `${name}.json`);
  }

  private async meta(name: TemplateName): Promise<CacheMeta | null> {
    try {
      const meta = JSON.parse(await readFile(this.metaFile(name), 'utf8')) as CacheMeta;
      await stat(this.tarball(name));
      return meta;
    } catch {
      return null;
    }
  }
}
