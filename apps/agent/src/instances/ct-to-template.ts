import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConvertToTemplate, Operation, TemplateName } from '@berth/contracts';
import { conflict, LOGIN_HINTS, wrongState } from '@berth/contracts';
import type { Intent } from '../journal/intent.js';
import { releaseImage } from '../recovery/loop-mounts.js';
import { exec, run } from '../run.js';
import { waitDetached, withMountedImage } from '../storage/disk-image.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import type { FileCapability, IdRange } from '../storage/id-shift.js';
import { CT_META, CT_ROOTFS, type CtCustomMeta } from '../templates/ct-templates.js';
import type { Templates } from '../templates/templates.js';
import type { VmTemplates } from '../templates/vm-templates.js';
import type { Containers } from './containers.js';

type TemplateIntent = Extract<Intent, { type: 'ct.template' }>;

/**
 * tar's --owner-map/--group-map lines taking a container's host ids back to its own 0-based
 * ones: the template then holds ids as the built-in caches do, and a create shifts them into
 * the new container's range the same way.
 */
const idMap = (range: IdRange) =>
  Array.from({ length: range.count }, (_, i) => `+${range.hostBase + i} +${i}`).join('\n') + '\n';

/**
 * The capabilities of the files under root, relative to it, whether written for the host's root
 * (a privileged container) or namespaced for the container's (an unprivileged one): a new
 * container gets them for its own root (see Templates.extract).
 */
async function fileCapabilities(root: string): Promise<FileCapability[]> {
  const found = await exec('getcap', ['-n', '-r', root], { timeoutMs: 120_000 });
  return found.stdout
    .split('\n')
    .map((line) => /^(.+) (\S+)$/.exec(line.trimEnd().replace(/ \[rootid=\d+\]$/, '')))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: path.relative(root, m[1] as string), caps: m[2] as string }));
}

/**
 * Makes a template from a stopped container ("application templates"): its root filesystem,
 * packed as the built-in caches are, with its template's halt signal and login hint. The
 * container stays. The template's folder is written as .part and renamed when whole (the commit
 * point): a kill before it leaves no template, one after it the whole template.
 */
export class CtTemplating {
  constructor(
    private readonly containers: Containers,
    private readonly templates: Templates,
    private readonly vmTemplates: VmTemplates,
  ) {}

  async make(id: string, req: ConvertToTemplate): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.containers.busy.assertIdle(record.id);
    const { state } = await this.containers.lxc.info(record.ctid);
    if (state !== 'stopped') {
      throw wrongState(`CT ${record.ctid} is ${state}: stop it to make a template of it`);
    }
    const custom = this.templates.custom;
    // Built-in names of either kind, and every folder (VM templates' too), are taken.
    if ((await this.vmTemplates.exists(req.name)) || (await custom.taken(req.name))) {
      throw conflict(`a template named ${req.name} exists already`, 'name');
    }
    const image = this.containers.imageOf(record);
    await mkdir(custom.dir, { recursive: true, mode: 0o700 });
    // zstd packs a root filesystem to well under its allocated size; the image's is the bound.
    await assertFreeSpace(custom.dir, (await stat(image)).blocks * 512, `template ${req.name}`);
    const final = custom.folder(req.name);
    const staging = `${final}.part`;
    const intent: TemplateIntent = {
      type: 'ct.template',
      ctid: record.ctid,
      image,
      staging,
      final,
    };
    const inherited = await custom.meta(record.template);
    const source = {
      haltSignal: record.haltSignal ?? this.templates.haltSignal(record.template),
      loginHint: inherited
        ? inherited.loginHint
        : (LOGIN_HINTS[record.template as TemplateName] ?? null),
    };
    return this.containers.busy.start(
      record.id,
      'instance.template',
      async (progress, step) => {
        await waitDetached(image);
        await step('ct.template.pack');
        try {
          await rm(staging, { recursive: true, force: true });
          await mkdir(staging, { mode: 0o700 });
          const out = path.join(staging, CT_ROOTFS);
          const maps: string[] = [];
          let capabilities: FileCapability[] = [];
          if (record.idmap) {
            const map = path.join(staging, 'ids.map');
            await writeFile(map, idMap(record.idmap));
            maps.push(`--owner-map=${map}`, `--group-map=${map}`);
          }
          const unpackedBytes = await withMountedImage(image, async (root) => {
            await step('ct.template.mounted', { mountDir: root });
            progress(5, 'listing file capabilities');
            capabilities = await fileCapabilities(root);
            progress(10, `packing CT ${record.ctid}'s root filesystem`);
            await run(
              'tar',
              [
                '--numeric-owner',
                '--xattrs',
                '--xattrs-exclude=security.capability',
                '--zstd',
                ...maps,
                '-C',
                root,
                '-cf',
                out,
                '.',
              ],
              { timeoutMs: 30 * 60_000 },
            );
            const du = await run('du', ['-s', '-B1', '-x', root]);
            return Number(du.stdout.split('\t')[0]);
          });
          await rm(path.join(staging, 'ids.map'), { force: true });
          const meta: CtCustomMeta = {
            format: 'berth-ct-template/1',
            builtAt: new Date().toISOString(),
            sizeBytes: (await stat(out)).size,
            unpackedBytes,
            description: req.description,
            from: record.name,
            haltSignal: source.haltSignal,
            loginHint: source.loginHint,
            capabilities,
          };
          await writeFile(path.join(staging, CT_META), JSON.stringify(meta));
          await run('sync', ['-f', out]);
        } catch (err) {
          await rm(staging, { recursive: true, force: true });
          throw await explainNoSpace(err, staging);
        }
        progress(95, `making ${req.name} a template`);
        await step('ct.template.commit');
        await rename(staging, final);
        return custom.get(req.name);
      },
      intent,
    );
  }
}

/** A template a killed agent left half-made: whole once its folder has its name, else gone. */
export async function settleCtTemplate(intent: TemplateIntent): Promise<string> {
  await releaseImage(intent.image, undefined, intent.mountDir);
  await rm(intent.staging, { recursive: true, force: true });
  const name = path.basename(intent.final);
  const made = await stat(intent.final).catch(() => null);
  return made
    ? `finished: template ${name} was made; CT ${intent.ctid} is as it was`
    : `rolled back: no template ${name} was made; CT ${intent.ctid} is as it was`;
}
