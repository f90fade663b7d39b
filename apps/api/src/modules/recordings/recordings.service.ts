import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@berth/db';
import {
  BuiltinRole,
  badRequest,
  conflict,
  notFound,
  type ConsoleKind,
  type Recording,
  type RecordingFrame,
  type RecordingPolicy,
  type RecordingQuery,
  type RecordingSetting,
  type RecordingSettings,
} from '@berth/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, Audit } from '../audit/audit.service.js';
import type { ConsoleGrant } from '../consoles/tickets.js';
import type { RelayTap } from '../consoles/relay.js';
import type { Hosts } from '../hosts/hosts.service.js';
import {
  CAST_FILE,
  CastRecorder,
  FRAME_INDEX,
  FRAMES_DIR,
  FrameRecorder,
  type ConsoleRecorder,
} from './recorder.js';
import { DEFAULT_RESERVE_BYTES } from './space.js';

const SETTINGS_KEY = 'recordings.settings';
const DEFAULT_SETTINGS: RecordingSettings = { retentionDays: null };
/** How often recordings past their retention are looked for. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

type RecordingRow = NonNullable<
  Awaited<ReturnType<PrismaClient['consoleRecording']['findUnique']>>
>;

/** A console being recorded, as the relay holds it. */
export interface ActiveRecording {
  id: string;
  tap?: RelayTap;
  /** The console closed: finishes the files and the row; answers why it stopped early, if it did. */
  end(): Promise<{ id: string; stopped: string | null }>;
}

const toRecording = (r: RecordingRow): Recording => ({
  id: r.id,
  hostId: r.hostId,
  instanceId: r.instanceId,
  kind: r.kind as ConsoleKind,
  shellId: r.shellId,
  format: r.format as Recording['format'],
  userId: r.userId,
  actor: r.actor,
  auditId: r.auditId,
  startedAt: r.startedAt.toISOString(),
  endedAt: r.endedAt?.toISOString() ?? null,
  bytes: r.bytes,
});

const toPolicy = (r: {
  id: string;
  scope: string;
  target: string;
  createdById: string;
  createdAt: Date;
}): RecordingPolicy => ({
  ...r,
  scope: r.scope as RecordingPolicy['scope'],
  createdAt: r.createdAt.toISOString(),
});

/** Bytes of every file under a folder (a missing folder holds none). */
async function sizeOf(dir: string): Promise<{ bytes: number; lastWrite: Date | null }> {
  let bytes = 0;
  let lastWrite: Date | null = null;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const s = await stat(path.join(e.parentPath, e.name)).catch(() => null);
    if (!s) continue;
    bytes += s.size;
    if (!lastWrite || s.mtime > lastWrite) lastWrite = s.mtime;
  }
  return { bytes, lastWrite };
}

/**
 * Console recording: which consoles are recorded (policies on an instance or a role), the
 * recorders behind open consoles, and the recordings kept under `<data>/recordings/<id>/`.
 * A row is written before its files and finished when the console closes; one left open by a
 * crash is finished at the next start from what reached the disk.
 */
export class Recordings {
  private readonly root: string;
  private readonly reserveBytes: number;
  private readonly frameMs: number;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      db: PrismaClient;
      hosts: Hosts;
      audit: Pick<Audit, 'record'>;
      dataDir: string;
      log: Pick<FastifyBaseLogger, 'error' | 'warn'>;
      /** Free space recordings leave on their disk. */
      reserveBytes?: number;
      /** Seconds between two frames of a VM's screen. */
      frameSeconds?: number;
    },
  ) {
    this.root = path.join(deps.dataDir, 'recordings');
    this.reserveBytes = deps.reserveBytes ?? DEFAULT_RESERVE_BYTES;
    this.frameMs = (deps.frameSeconds ?? 2) * 1000;
  }

  /**
   * Before the API serves: recordings a crash left open end where their files end, and the
   * files of a recording whose deletion was cut short go.
   */
  async recover(): Promise<void> {
    const known = new Set(
      (await this.deps.db.consoleRecording.findMany({ select: { id: true } })).map((r) => r.id),
    );
    for (const name of await readdir(this.root).catch(() => [])) {
      if (!known.has(name)) await rm(path.join(this.root, name), { recursive: true, force: true });
    }
    const open = await this.deps.db.consoleRecording.findMany({ where: { endedAt: null } });
    for (const row of open) {
      const { bytes, lastWrite } = await sizeOf(path.join(this.deps.dataDir, row.path));
      await this.deps.db.consoleRecording.update({
        where: { id: row.id },
        data: { bytes, endedAt: lastWrite ?? row.startedAt },
      });
    }
  }

  /** Deletes recordings past their retention now and every hour; `stop` ends that. */
  startPruning(): void {
    const run = () =>
      void this.prune().catch((err: Error) =>
        this.deps.log.warn(
          { err },
          'recordings past their retention not deleted; trying again later',
        ),
      );
    run();
    this.pruneTimer = setInterval(run, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  stop(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  async settings(): Promise<RecordingSettings> {
    const row = await this.deps.db.setting.findUnique({ where: { key: SETTINGS_KEY } });
    return row ? (JSON.parse(row.value) as RecordingSettings) : DEFAULT_SETTINGS;
  }

  /** Saves the settings and applies a shorter retention at once; answers them before and after. */
  async setSettings(
    next: RecordingSettings,
  ): Promise<{ before: RecordingSettings; after: RecordingSettings }> {
    const before = await this.settings();
    const value = JSON.stringify(next);
    await this.deps.db.setting.upsert({
      where: { key: SETTINGS_KEY },
      create: { key: SETTINGS_KEY, value },
      update: { value },
    });
    await this.prune();
    return { before, after: next };
  }

  /**
   * Deletes recordings that ended before the retention allows, rows first: a crash halfway
   * leaves folders no row points at, which the next start removes. One audit row says how many.
   */
  async prune(now = Date.now()): Promise<number> {
    const { retentionDays } = await this.settings();
    if (retentionDays === null) return 0;
    const cutoff = new Date(now - retentionDays * 86_400_000);
    const old = await this.deps.db.consoleRecording.findMany({
      where: { endedAt: { lt: cutoff } },
      select: { id: true, path: true },
    });
    if (old.length === 0) return 0;
    await this.deps.db.consoleRecording.deleteMany({ where: { id: { in: old.map((r) => r.id) } } });
    for (const r of old) {
      await rm(path.join(this.deps.dataDir, r.path), { recursive: true, force: true });
    }
    await this.deps.audit.record(
      { userId: null, name: 'system', ip: null },
      {
        action: 'recording.prune',
        targetType: 'recording',
        outcome: 'success',
        detail: { count: old.length, retentionDays, endedBefore: cutoff.toISOString() },
      },
    );
    return old.length;
  }

  // Policies

  /** Whether a console about to open is recorded: its instance is, or a role its user holds. */
  async shouldRecord(g: Pick<ConsoleGrant, 'hostId' | 'instanceId' | 'userId'>): Promise<boolean> {
    const roles = g.userId
      ? (
          await this.deps.db.grant.findMany({ where: { userId: g.userId }, select: { role: true } })
        ).map((r) => r.role)
      : [];
    const n = await this.deps.db.recordingPolicy.count({
      where: {
        OR: [
          { scope: 'instance', target: `${g.hostId}/${g.instanceId}` },
          ...(roles.length ? [{ scope: 'role', target: { in: roles } }] : []),
        ],
      },
    });
    return n > 0;
  }

  async policies(): Promise<RecordingPolicy[]> {
    const rows = await this.deps.db.recordingPolicy.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(toPolicy);
  }

  async setInstance(
    by: string,
    idOrCtid: string,
    enabled: boolean,
  ): Promise<{ setting: RecordingSetting; was: boolean }> {
    const instance = await this.deps.hosts.findInstance(idOrCtid);
    return this.set(by, 'instance', `${instance.hostId}/${instance.id}`, enabled);
  }

  async setRole(
    by: string,
    role: string,
    enabled: boolean,
  ): Promise<{ setting: RecordingSetting; was: boolean }> {
    const known =
      BuiltinRole.safeParse(role).success ||
      (await this.deps.db.role.findUnique({ where: { id: role } })) !== null;
    if (!known)
      throw badRequest(`no role ${role}: a built-in role name or a custom role's id`, 'role');
    return this.set(by, 'role', role, enabled);
  }

  /** Turns one policy on or off; answers what it was before, for the audit row. */
  private async set(
    by: string,
    scope: 'instance' | 'role',
    target: string,
    enabled: boolean,
  ): Promise<{ setting: RecordingSetting; was: boolean }> {
    const where = { scope_target: { scope, target } };
    const was = (await this.deps.db.recordingPolicy.findUnique({ where })) !== null;
    // Idempotent both ways, so a retried request after a crash lands where it meant to.
    if (enabled) {
      await this.deps.db.recordingPolicy.upsert({
        where,
        create: { scope, target, createdById: by },
        update: {},
      });
    } else {
      await this.deps.db.recordingPolicy.deleteMany({ where: { scope, target } });
    }
    return { setting: { scope, target, enabled }, was };
  }

  // Recording

  /**
   * Starts recording a console that is opening. Synchronous, so the relay's first frames are
   * kept; the row and the files follow once its audit row is written, and the frames seen until
   * then wait in memory. A recording that cannot start is logged and the console goes on.
   */
  begin(grant: ConsoleGrant, actor: Actor, auditId: Promise<string | null>): ActiveRecording {
    const id = randomUUID();
    const rel = path.join('recordings', id);
    const dir = path.join(this.deps.dataDir, rel);
    const target = { dir, reserveBytes: this.reserveBytes };
    const recorder: ConsoleRecorder =
      grant.kind === 'vnc'
        ? new FrameRecorder(
            () => this.deps.hosts.client(grant.hostId).screenshot(grant.instanceId),
            target,
            this.frameMs,
          )
        : new CastRecorder(
            grant.kind,
            `${grant.kind} of ${grant.instanceId} by ${actor.name}`,
            target,
          );
    const startedAt = new Date();
    let created = false;
    const started = (async () => {
      const audit = await auditId;
      await this.deps.db.consoleRecording.create({
        data: {
          id,
          hostId: grant.hostId,
          instanceId: grant.instanceId,
          kind: grant.kind,
          shellId: grant.shellId,
          format: grant.kind === 'vnc' ? 'frames' : 'asciicast-v2',
          path: rel,
          userId: actor.userId,
          actor: actor.name,
          auditId: audit,
          startedAt,
        },
      });
      created = true;
      await mkdir(dir, { recursive: true });
      await recorder.open();
    })().catch((err: Error) => {
      recorder.stop(`the recording could not start: ${err.message}`);
      this.deps.log.error({ err, recording: id }, 'console recording not started');
    });
    return {
      id,
      tap: recorder.tap,
      end: async () => {
        await started;
        const stopped = await recorder.finish();
        if (created) {
          const { bytes } = await sizeOf(dir);
          await this.deps.db.consoleRecording
            .update({ where: { id }, data: { endedAt: new Date(), bytes } })
            .catch((err: Error) =>
              this.deps.log.warn(
                { err, recording: id },
                'recording row not finished; the next start finishes it',
              ),
            );
        }
        return { id, stopped };
      },
    };
  }

  // Replay

  async list(q: RecordingQuery): Promise<Recording[]> {
    const rows = await this.deps.db.consoleRecording.findMany({
      where: {
        ...(q.instanceId ? { instanceId: q.instanceId } : {}),
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.auditId ? { auditId: q.auditId } : {}),
      },
      orderBy: { startedAt: 'desc' },
      take: q.limit,
    });
    return rows.map(toRecording);
  }

  private async row(id: string): Promise<RecordingRow> {
    const row = await this.deps.db.consoleRecording.findUnique({ where: { id } });
    if (!row) throw notFound(`recording ${id}`);
    return row;
  }

  async get(id: string): Promise<Recording> {
    return toRecording(await this.row(id));
  }

  /** The asciicast file of a shell or serial recording. */
  async cast(id: string): Promise<ReadStream> {
    const row = await this.row(id);
    if (row.format !== 'asciicast-v2')
      throw badRequest('this recording is VNC frames: GET …/frames');
    const file = path.join(this.deps.dataDir, row.path, CAST_FILE);
    if (!(await stat(file).catch(() => null))) throw notFound(`the file of recording ${id}`);
    return createReadStream(file);
  }

  /** The frames of a VNC recording, in order. */
  async frames(id: string): Promise<RecordingFrame[]> {
    const row = await this.row(id);
    if (row.format !== 'frames') throw badRequest('this recording is asciicast: GET …/cast');
    const text = await readFile(path.join(this.deps.dataDir, row.path, FRAME_INDEX), 'utf8').catch(
      () => '',
    );
    // A line cut short by a crash or a full disk is the end of the recording.
    const frames: RecordingFrame[] = [];
    for (const line of text.split('\n')) {
      try {
        frames.push(JSON.parse(line) as RecordingFrame);
      } catch {
        break;
      }
    }
    return frames;
  }

  async frame(id: string, n: number): Promise<Buffer> {
    const row = await this.row(id);
    if (row.format !== 'frames') throw badRequest('this recording is asciicast: GET …/cast');
    const png = await readFile(
      path.join(this.deps.dataDir, row.path, FRAMES_DIR, `${n}.png`),
    ).catch(() => null);
    if (!png) throw notFound(`frame ${n} of recording ${id}`);
    return png;
  }

  /** Deletes a recording: the row first, so a crash halfway leaves files no row points at, never the reverse. */
  async remove(id: string): Promise<Recording> {
    const row = await this.row(id);
    if (!row.endedAt) throw conflict('this console is still open; close it first');
    await this.deps.db.consoleRecording.delete({ where: { id } });
    await rm(path.join(this.deps.dataDir, row.path), { recursive: true, force: true });
    return toRecording(row);
  }
}
