#!/bin/sh
# Placeholder for the native schema engine: `prisma generate` only checks that
# it exists (generation is WebAssembly); migrations go through
# scripts/migrate.mjs and the wasm engine instead.
exit 0
