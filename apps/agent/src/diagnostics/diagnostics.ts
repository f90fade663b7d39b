import type { DiagnosticOutput } from '@berth/contracts';
import type { AgentConfig } from '../config.js';
import { exec } from '../run.js';

/** Output kept per command: enough to diagnose, never a runaway archive. */
const MAX_CHARS = 256 * 1024;
const cut = (s: string) => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS)}\n[cut]` : s);

/**
 * The usual diagnostics for a problem report: read-only commands, each allowed to fail (a host
 * without systemd has no journal; the answer says so in the report instead).
 */
export async function diagnostics(config: AgentConfig): Promise<DiagnosticOutput[]> {
  const table = `berth_${config.bridge.replace(/-/g, '_')}`;
  const commands: Array<[string, string, string[]]> = [
    ['lxc-checkconfig', 'lxc-checkconfig', []],
    ['ip-addr', 'ip', ['addr']],
    ['ip-route', 'ip', ['route']],
    ['nft-nat', 'nft', ['list', 'table', 'ip', table]],
    ['nft-guard', 'nft', ['list', 'table', 'inet', `${table}_guard`]],
    ['lxc-ls', 'lxc-ls', ['-P', `${config.dataDir}/lxc`, '--fancy']],
    [
      'journal',
      'journalctl',
      ['-u', 'berth-agent', '-u', 'berth-api', '-n', '500', '--no-pager', '-o', 'short-iso'],
    ],
  ];
  return Promise.all(
    commands.map(async ([name, cmd, args]) => {
      const r = await exec(cmd, args, { timeoutMs: 20_000 });
      return {
        name,
        command: [cmd, ...args],
        exitCode: r.code,
        stdout: cut(r.stdout),
        stderr: cut(r.stderr),
      };
    }),
  );
}
