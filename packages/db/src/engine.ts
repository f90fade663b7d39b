// Runs Prisma's WebAssembly schema engine in-process, offline.
//
// The package entry (`@prisma/schema-engine-wasm`) does `import * as wasm from
// "./schema_engine_bg.wasm"`, which needs `node --experimental-wasm-modules`.
// We do what that entry does by hand (instantiate the .wasm with the JS glue
// module as its import object), so plain `node` works and no child process is
// needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let glue: Promise<Glue> | undefined;

function loadGlue(): Promise<Glue> {
  glue ??= (async () => {
    const mod = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const entry = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm');
    const bytes = readFileSync(join(dirname(entry), 'schema_engine_bg.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      './schema_engine_bg.js': mod as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as { __wbindgen_start(): void };
    mod.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return mod;
  })();
  return glue;
}

/**
 * Opens a schema engine on `factory`, runs `fn`, then closes every connection
 * the engine opened (the SQLite connector takes an EXCLUSIVE lock on the main
 * database, so it must not outlive the migration step).
 */
export function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  // One at a time: the panic hook below is process-global.
  const run = queue.then(() => runEngine(factory, fn));
  queue = run.catch(() => {});
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function runEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const wasm = await loadGlue();
  const opened: SqlDriverAdapter[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(tracked(factory, opened));
  const panic = capturePanics();
  let engine: SchemaEngine | undefined;
  try {
    engine = await wasm.SchemaEngine.new({ datamodels: undefined }, () => {}, bound);
    return await fn(engine);
  } catch (error) {
    throw explain(error, bound.errorRegistry, panic.message);
  } finally {
    panic.restore();
    try {
      engine?.free();
    } catch {
      // already broken by a panic; the error above is what matters
    }
    await Promise.allSettled(opened.map((a) => a.dispose()));
  }
}

function tracked(
  factory: SqlMigrationAwareDriverAdapterFactory,
  opened: SqlDriverAdapter[],
): SqlMigrationAwareDriverAdapterFactory {
  const track = async (connecting: Promise<SqlDriverAdapter>) => {
    const adapter = await connecting;
    opened.push(adapter);
    if (adapter.provider === 'sqlite') allowMultiStatementRaw(adapter);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => track(factory.connect()),
    connectToShadowDb: () => track(factory.connectToShadowDb()),
  };
}

// When the engine replays the migration history on a shadow database (needed
// by `diff` from a migrations folder) it sends each migration.sql through
// executeRaw, which better-sqlite3 rejects for multi-statement strings.
function allowMultiStatementRaw(adapter: SqlDriverAdapter): void {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (
        query.args.length > 0 ||
        !String((error as Error)?.message).includes('more than one statement')
      ) {
        throw error;
      }
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
}

type PanicRegistry = { set_message(message: string): void };

// The engine reports Rust panics through this global (the Prisma client
// installs its own handler, which we put back afterwards).
function capturePanics() {
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  const previous = g.PRISMA_WASM_PANIC_REGISTRY;
  const state = {
    message: undefined as string | undefined,
    restore: () => {
      g.PRISMA_WASM_PANIC_REGISTRY = previous;
    },
  };
  g.PRISMA_WASM_PANIC_REGISTRY = {
    set_message: (message) => {
      state.message = message;
    },
  };
  return state;
}

// Driver errors reach us as "External error id#N"; put the real error back in.
function explain(error: unknown, registry: ErrorRegistry, panic: string | undefined): Error {
  const base = error instanceof Error ? error : new Error(String(error));
  const causes = [...base.message.matchAll(/External error id#(\d+)/g)]
    .map((m) => registry.consumeError(Number(m[1]))?.error)
    .filter((e) => e !== undefined)
    .map((e) => (e instanceof Error ? e.message : JSON.stringify(e)));
  // After a panic the wasm instance is unusable until the process restarts.
  if (panic) causes.unshift(`schema engine panicked (restart the process): ${panic}`);
  if (causes.length === 0) return base;
  const wrapped = new Error(`${base.message}\nCaused by: ${causes.join('\nCaused by: ')}`, {
    cause: base,
  });
  return Object.assign(wrapped, { code: (base as { code?: unknown }).code });
}
