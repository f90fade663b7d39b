import { z } from 'zod';
import { Tag } from './common.js';
import { Task } from './tasks.js';

/** One package apt would upgrade, as `apt list --upgradable` names it. */
export const UpgradablePackage = z.strictObject({
  name: z.string(),
  /** The installed version, and the candidate apt would install. */
  from: z.string(),
  to: z.string(),
  arch: z.string(),
  /** The suites the candidate comes from, e.g. "bookworm-security,bookworm-updates". */
  origin: z.string(),
  /** The candidate comes from a *-security suite. */
  security: z.boolean(),
});
export type UpgradablePackage = z.infer<typeof UpgradablePackage>;

/** GET /v1/updates on the agent (and per host from the API): Berth's version and apt's view. */
export const HostUpdates = z.strictObject({
  berthVersion: z.string(),
  /** When apt's package lists were last refreshed here; null: not since the agent started. */
  checkedAt: z.iso.datetime().nullable(),
  packages: z.array(UpgradablePackage),
  /** Why the refresh failed (no route to the archive, apt locked), with apt's own words. */
  error: z.string().nullable(),
  /** The running upgrade's operation, if one runs. */
  applying: z.string().nullable(),
});
export type HostUpdates = z.infer<typeof HostUpdates>;

export const UpdatesQuery = z.strictObject({
  refresh: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe("run apt-get update first (slow); otherwise answer from apt's current lists"),
});

/** Body of an apply: simulate runs `apt-get -s upgrade`, which changes nothing (tests, previews). */
export const ApplyHostUpdates = z.strictObject({
  simulate: z.boolean().default(false),
});
export type ApplyHostUpdates = z.infer<typeof ApplyHostUpdates>;

/** A Debian container's upgradable packages, as apt inside it lists them. */
export const ContainerUpdates = z.strictObject({
  instanceId: z.string(),
  checkedAt: z.iso.datetime(),
  packages: z.array(UpgradablePackage),
});
export type ContainerUpdates = z.infer<typeof ContainerUpdates>;

/** Body of POST /api/v1/updates/containers: update every running Debian container with this tag. */
export const ApplyContainerUpdatesByTag = z.strictObject({ tag: Tag });
export type ApplyContainerUpdatesByTag = z.infer<typeof ApplyContainerUpdatesByTag>;

/** One task per container started; the others with why they were left out. */
export const ContainerUpdatesStarted = z.strictObject({
  tasks: z.array(Task),
  skipped: z.array(
    z.strictObject({ instanceId: z.string(), name: z.string(), reason: z.string() }),
  ),
});
export type ContainerUpdatesStarted = z.infer<typeof ContainerUpdatesStarted>;

export const PackageVersion = z.strictObject({ name: z.string(), version: z.string() });
export type PackageVersion = z.infer<typeof PackageVersion>;

/** A template cache's packages as dpkg listed them when it was built. */
export const TemplatePackages = z.strictObject({
  template: z.string(),
  builtAt: z.iso.datetime().nullable(),
  /** null: the cache predates package lists (refresh it), or its system has no dpkg (busybox). */
  packages: z.array(PackageVersion).nullable(),
});
export type TemplatePackages = z.infer<typeof TemplatePackages>;

/** What a refresh changed in a template cache, package by package. */
export const TemplatePackageChanges = z.strictObject({
  upgraded: z.array(z.strictObject({ name: z.string(), from: z.string(), to: z.string() })),
  added: z.array(PackageVersion),
  removed: z.array(PackageVersion),
});
export type TemplatePackageChanges = z.infer<typeof TemplatePackageChanges>;
