import type { LucideIcon } from 'lucide-react';
import {
  BellRing,
  BrickWall,
  Gauge,
  Disc3,
  Film,
  HardDrive,
  Receipt,
  KeyRound,
  Network,
  LayoutDashboard,
  ListChecks,
  Boxes,
  ScrollText,
  ShieldCheck,
  Users,
  Server,
  SlidersHorizontal,
  PackageCheck,
} from 'lucide-react';
import type { Me, Permission } from '@berth/contracts';
import { can } from './can';

/**
 * Every page of the console, in the order the resource tree, the top bar and the command
 * palette list them. A new page is one line here; it then shows wherever pages are listed.
 */
export interface NavPage {
  href: string;
  label: string;
  icon: LucideIcon;
  /** Shown only to those with it; none: everyone signed in. */
  permission?: Permission;
  /** "work" for what operators do daily, "admin" for settings and oversight. */
  group: 'work' | 'admin';
  /** Extra words the palette matches ("iso" finds the ISO store under "images" too). */
  keywords?: string;
  /** Keyboard shortcut after "g" (g i = instances); unique across pages. */
  key?: string;
}

export const NAV_PAGES: readonly NavPage[] = [
  {
    href: '/',
    label: 'Dashboard',
    icon: LayoutDashboard,
    group: 'work',
    key: 'd',
    keywords: 'home overview',
  },
  {
    href: '/instances/',
    label: 'Instances',
    icon: Server,
    group: 'work',
    key: 'i',
    keywords: 'vms containers list',
  },
  {
    href: '/tasks/',
    label: 'Tasks',
    icon: ListChecks,
    group: 'work',
    key: 't',
    keywords: 'jobs progress',
  },
  {
    href: '/templates/',
    label: 'Templates',
    icon: Boxes,
    permission: 'template.view',
    group: 'work',
    key: 'p',
    keywords: 'images',
  },
  {
    href: '/isos/',
    label: 'ISO store',
    icon: Disc3,
    permission: 'iso.view',
    group: 'work',
    key: 'o',
    keywords: 'cdrom images upload',
  },
  {
    href: '/storage/',
    label: 'Storage',
    icon: HardDrive,
    permission: 'host.view',
    group: 'work',
    key: 'g',
    keywords: 'pools btrfs disks space',
  },
  {
    href: '/networks/',
    label: 'Networks',
    icon: Network,
    permission: 'host.view',
    group: 'work',
    key: 'n',
    keywords: 'bridge nat dhcp subnet adapters vlan',
  },
  {
    href: '/firewall-sets/',
    label: 'Address sets',
    icon: BrickWall,
    permission: 'host.view',
    group: 'work',
    keywords: 'firewall ip set cidr addresses @ rules',
  },
  {
    href: '/network-classes/',
    label: 'Network classes',
    icon: Gauge,
    permission: 'host.view',
    group: 'work',
    keywords: 'traffic accounting local world bytes class',
  },
  {
    href: '/samples/',
    label: 'Samples',
    icon: SlidersHorizontal,
    permission: 'sample.view',
    group: 'work',
    key: 's',
    keywords: 'configuration limits split scale',
  },
  {
    href: '/alerts/',
    label: 'Alerts',
    icon: BellRing,
    permission: 'alert.view',
    group: 'work',
    keywords: 'alarms rules thresholds firing notifications',
  },
  {
    href: '/usage/',
    label: 'Usage',
    icon: Receipt,
    permission: 'usage.view',
    group: 'admin',
    keywords: 'billing export csv cpu-hours totals',
  },
  {
    href: '/updates/',
    label: 'Updates',
    icon: PackageCheck,
    permission: 'host.view',
    group: 'admin',
    keywords: 'upgrade apt packages security version templates refresh',
  },
  {
    href: '/audit/',
    label: 'Audit log',
    icon: ScrollText,
    permission: 'audit.view',
    group: 'admin',
    key: 'a',
    keywords: 'events history',
  },
  {
    href: '/recordings/',
    label: 'Recordings',
    icon: Film,
    permission: 'recording.view',
    group: 'admin',
    key: 'r',
    keywords: 'replay sessions',
  },
  {
    href: '/licenses/',
    label: 'Licenses',
    icon: KeyRound,
    permission: 'license.view',
    group: 'admin',
    key: 'l',
    keywords: 'license limits edition transfer',
  },
  {
    href: '/users/',
    label: 'Users',
    icon: Users,
    permission: 'user.manage',
    group: 'admin',
    key: 'u',
    keywords: 'accounts grants',
  },
  {
    href: '/roles/',
    label: 'Roles',
    icon: ShieldCheck,
    permission: 'role.manage',
    group: 'admin',
    keywords: 'permissions',
  },
];

/** The pages this user may open. */
export const pagesFor = (me: Me | null | undefined): NavPage[] =>
  NAV_PAGES.filter((p) => !p.permission || can(me, p.permission));

/** Whether the page is the one shown (the dashboard only at "/", others for their subpages too). */
export const isActivePage = (href: string, pathname: string) =>
  href === '/' ? pathname === '/' : pathname.startsWith(href);
