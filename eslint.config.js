import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

import { layeringRule } from './eslint/layering.js'

const SERVICES = [
  'src/streams/',
  'src/firehose/',
  'src/analytics/',
  'src/cloudwatch/',
  'src/dynamodb/',
  'src/kcl/',
  'src/sts/',
]

/** Who may import whom; see eslint/layering.js and docs/layout.md. */
const LAYERS = [
  { name: 'service kit', files: ['src/aws/'], may: [], why: 'the service kit imports nothing else of ours' },
  {
    name: 'mapping',
    files: ['src/mapping/'],
    may: [],
    why: 'the mapping is pure and imports nothing outside itself',
  },
  { name: 'ports', files: ['src/ports/'], may: [], why: 'ports import nothing outside themselves' },
  {
    name: 'gateway',
    files: ['src/gateway/'],
    may: ['src/aws/'],
    why: 'the gateway is transport, codecs and dispatch over the service kit: no service, adapter or application configuration',
  },
  {
    name: 'adapters',
    files: ['src/adapters/'],
    may: ['src/ports/', 'src/mapping/', 'src/aws/'],
    why: 'adapters implement ports; they know no service and no gateway',
  },
  {
    name: 'service',
    files: SERVICES,
    may: ['src/aws/', 'src/mapping/', 'src/ports/'],
    why: 'a service is written against the service kit, the mapping and the ports alone (adapters reach it through its deps)',
  },
]

/** The parts of Kinesis Data Streams, each importing only those below it (and the root's deps, errors, members). */
const STREAMS_PARTS = {
  '.': [],
  catalog: [],
  settings: ['catalog'],
  resharding: ['catalog'],
  records: ['catalog'],
  'fan-out': ['catalog', 'records'],
  resources: ['catalog', 'fan-out'],
  operations: ['*'],
  'service.ts': ['operations'],
}

/** The parts of CloudWatch: operations use the metric-data rules. */
const CLOUDWATCH_PARTS = {
  '.': [],
  'metric-data': [],
  operations: ['*'],
  'service.ts': ['operations'],
}

/** The parts of the DynamoDB subset, each importing only those below it. */
const DYNAMODB_PARTS = {
  '.': [],
  values: [],
  expressions: ['values'],
  tables: ['values', 'expressions'],
  operations: ['*'],
  'service.ts': ['operations'],
}

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.stack', 'coverage', 'bench/.peers'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/**', 'src/stack/**', 'src/main.ts', 'src/start.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kafkajs', 'ioredis', 'minio'].map((name) => ({
            name,
            message: 'Only src/adapters/ talks to infrastructure clients; depend on a port from src/ports/.',
          })),
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { layering: { rules: { layers: layeringRule } } },
    rules: {
      'layering/layers': [
        'error',
        {
          layers: LAYERS,
          parts: {
            'src/streams/': STREAMS_PARTS,
            'src/cloudwatch/': CLOUDWATCH_PARTS,
            'src/dynamodb/': DYNAMODB_PARTS,
          },
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  prettier,
)
