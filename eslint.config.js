import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Boundaries that keep the house easy to change: each rule below is a direction imports
 * must not take. Breaking one is a design decision, to be argued in a review, not a lint fix.
 */
const fastifyKitOnlyInTransport = {
  name: '@berth/fastify-kit',
  // The event bus is an in-process fan-out, not HTTP; everything else in the kit is transport.
  allowImportNames: ['EventBus'],
  message:
    'domain code throws AppError from @berth/contracts and knows nothing of HTTP; only app.ts, routes and plugins use fastify-kit',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'packages/db/generated/**',
      '.turbo/**',
      'apps/web/.next/**',
      'apps/web/out/**',
      'apps/web/next-env.d.ts',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/agent/src/drivers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [fastifyKitOnlyInTransport],
          patterns: [
            {
              group: ['**/instances/**', '**/instances/*'],
              message:
                "a driver knows the host tool, not Berth's records: take your own argument types",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/agent/src/**/*.ts'],
    ignores: [
      'apps/agent/src/drivers/**',
      'apps/agent/src/app.ts',
      'apps/agent/src/main.ts',
      'apps/agent/src/routes/**',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [fastifyKitOnlyInTransport] }] },
  },
  {
    files: ['apps/api/src/**/*.service.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [fastifyKitOnlyInTransport] }] },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/*/src/**', '**/apps/*/test/**'],
              message:
                "bench uses the apps through their package exports (e.g. '@berth/api/harness')",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'apps/web/src/lib/**/*.{ts,tsx}',
      'apps/web/src/queries/**/*.{ts,tsx}',
      'apps/web/src/api/**/*.{ts,tsx}',
      'apps/web/src/events/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/components/**', '**/components/**'],
              message:
                'lib, queries, api and events are below the components: move the shared piece down',
            },
          ],
        },
      ],
    },
  },
);
