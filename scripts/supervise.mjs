#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout */
// Keeps one Berth service running on hosts whose init is not systemd (containers, test
// machines): restarts the process when it crashes, with a growing delay so a service that
// dies at start does not spin, and stops it when told to. On systemd hosts the units that
// scripts/start.sh writes do this job instead (Restart=on-failure).
//
//   node scripts/supervise.mjs --name api --run-dir /run/berth --log /var/log/berth/api.log -- CMD ARGS…
//
// Files in --run-dir: <name>.pid (this supervisor: stop it with SIGTERM) and <name>.child.pid
// (the service itself, rewritten at each restart).
import { spawn } from 'node:child_process';
import { openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
/** A run this long counts as healthy: the next crash starts the delays over. */
const HEALTHY_AFTER_MS = 30_000;
const STOP_GRACE_MS = 15_000;

function parseArgs(argv) {
  const split = argv.indexOf('--');
  if (split < 0 || split === argv.length - 1) usage('no command after --');
  const opts = {};
  const flags = argv.slice(0, split);
  for (let i = 0; i < flags.length; i += 2) {
    const key = flags[i];
    const value = flags[i + 1];
    if (!['--name', '--run-dir', '--log'].includes(key) || value === undefined) {
      usage(`unknown or incomplete option ${key}`);
    }
    opts[key.slice(2)] = value;
  }
  if (!opts.name || !opts['run-dir'] || !opts.log) usage('--name, --run-dir and --log are needed');
  return { ...opts, command: argv.slice(split + 1) };
}

function usage(why) {
  console.error(`supervise: ${why}`);
  console.error('usage: supervise.mjs --name NAME --run-dir DIR --log FILE -- CMD ARGS…');
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const pidFile = path.join(opts['run-dir'], `${opts.name}.pid`);
const childPidFile = path.join(opts['run-dir'], `${opts.name}.child.pid`);
const logFd = openSync(opts.log, 'a');
const note = (message) =>
  writeFileSync(logFd, `${new Date().toISOString()} supervise[${opts.name}]: ${message}\n`);

let child = null;
let stopping = false;
let delay = FIRST_DELAY_MS;
let restartTimer = null;

function start() {
  restartTimer = null;
  const startedAt = Date.now();
  const [cmd, ...args] = opts.command;
  child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd] });
  child.on('error', (err) => note(`could not start ${cmd}: ${err.message}`));
  if (child.pid) writeFileSync(childPidFile, `${child.pid}\n`);
  child.on('exit', (code, signal) => {
    child = null;
    if (stopping) return finish(0);
    // Like systemd's Restart=on-failure: a clean exit 0 is a decision, not a crash.
    if (code === 0) {
      note('exited cleanly; not restarting');
      return finish(0);
    }
    if (Date.now() - startedAt >= HEALTHY_AFTER_MS) delay = FIRST_DELAY_MS;
    note(`exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
    restartTimer = setTimeout(start, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  });
}

function finish(code) {
  rmSync(pidFile, { force: true });
  rmSync(childPidFile, { force: true });
  process.exit(code);
}

function stop() {
  if (stopping) return;
  stopping = true;
  if (restartTimer) clearTimeout(restartTimer);
  if (!child) return finish(0);
  note('stopping');
  child.kill('SIGTERM');
  setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS).unref();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
writeFileSync(pidFile, `${process.pid}\n`);
start();
