// Shared ESLint flat config: type-aware promise rules (workers must never float a promise),
// env access only in config modules, no console outside scripts, and package boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Pure packages may not import any I/O library. */
const ioLibraries = [
  'gun',
  'gun/*',
  'ioredis',
  'bullmq',
  '@elastic/elasticsearch',
  'pino',
  'fastify',
  'undici',
];

const servicePackages = [
  '@sync/api',
  '@sync/discovery',
  '@sync/transform',
  '@sync/indexer',
  '@sync/gun-relay',
];

/** @param {{ tsconfigRootDir: string }} opts */
export function createConfig({ tsconfigRootDir }) {
  return tseslint.config(
    {
      ignores: [
        '**/node_modules/**',
        '**/dist/**',
        '**/coverage/**',
        '.cache/**',
        '.local/**',
        'artifacts/**',
        '.scratch/**',
      ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        // Fastify plugins and hand-written fakes are async by contract even when they do not await.
        '@typescript-eslint/require-await': 'off',
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
        ],
        'no-console': 'error',
        'no-restricted-properties': [
          'error',
          {
            object: 'process',
            property: 'env',
            message: 'Read env only in config.ts modules and the main.ts composition root.',
          },
        ],
      },
    },
    {
      files: [
        '**/config.ts',
        '**/main.ts',
        '**/load-env.ts',
        '**/*.test.ts',
        'test/**',
        '**/test/**',
        'vitest.config.ts',
        'bench/**',
        'scripts/**',
      ],
      rules: { 'no-restricted-properties': 'off' },
    },
    {
      // expect.any() and friends are typed `any` by vitest.
      files: ['**/*.test.ts', '**/test/**'],
      rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
    },
    {
      files: ['scripts/**', 'bench/**', '**/cli/**', 'infra/**'],
      rules: { 'no-console': 'off' },
    },
    {
      files: ['packages/**/src/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [{ group: servicePackages, message: 'Packages never import services.' }] },
        ],
      },
    },
    {
      files: ['packages/records/src/**', 'packages/crypto/src/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: ioLibraries, message: 'Pure package: no I/O libraries.' },
              { group: servicePackages, message: 'Packages never import services.' },
            ],
          },
        ],
      },
    },
    {
      files: ['**/*.js'],
      ...tseslint.configs.disableTypeChecked,
    },
    {
      // Pages the API serves as they are (the status page): browser scripts.
      files: ['services/*/src/**/public/*.js'],
      languageOptions: {
        sourceType: 'script',
        globals: Object.fromEntries(
          ['document', 'window', 'location', 'fetch', 'URLSearchParams', 'Node', 'setTimeout'].map(
            (name) => [name, 'readonly'],
          ),
        ),
      },
    },
  );
}
