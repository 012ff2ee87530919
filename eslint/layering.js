// An ESLint rule that keeps each part of the code to the parts it may import. Import paths are resolved, so
// `../../gateway/index.ts` and `../gateway/x.ts` are judged by where they lead, not by how they are spelled.
//
// Options: { layers: [{ name, files: [prefix...], may: [prefix...] }], parts: { [folder]: { [part]: [part...] } } }
// - A file belongs to the first layer one of whose `files` prefixes (repo-relative) it starts with. It may
//   import its own layer's files, the `may` prefixes, and nothing else of the repository. Tests (*.test.ts) may
//   also import test/.
// - `parts` orders the sub-folders of a folder (a service): a file in part P of folder F may import F's root
//   files and the parts listed for P ('*' for all). Files at F's root are part '.', and a root file may be named
//   as a part of its own (e.g. 'service.ts'). Tests are exempt from this ordering.

import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')

function repoPath(absolute) {
  return path.relative(ROOT, absolute).split(path.sep).join('/')
}

function startsWithAny(file, prefixes) {
  return prefixes.some((prefix) => file === prefix || file.startsWith(prefix))
}

/** The part of `file` inside `folder`: its first sub-folder, '.' for a root file, or the root file's own name if listed. */
function partOf(file, folder, order) {
  const rest = file.slice(folder.length)
  const slash = rest.indexOf('/')
  if (slash !== -1) return rest.slice(0, slash)
  return rest in order ? rest : '.'
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps every part of the code to the parts it may import.' },
    schema: [{ type: 'object' }],
    messages: { forbidden: '{{file}} ({{layer}}) may not import {{target}}: {{why}}' },
  },
  create(context) {
    const { layers = [], parts = {} } = context.options[0] ?? {}
    const file = repoPath(context.filename)
    if (file.startsWith('..')) return {}
    const isTest = file.endsWith('.test.ts')
    const layer = layers.find((candidate) => startsWithAny(file, candidate.files))
    const folder = Object.keys(parts).find((candidate) => file.startsWith(candidate))

    function verdict(target) {
      if (layer !== undefined && !startsWithAny(target, layer.files) && !startsWithAny(target, layer.may)) {
        if (!(isTest && target.startsWith('test/'))) return layer.why
      }
      if (folder !== undefined && !isTest && target.startsWith(folder)) {
        const order = parts[folder]
        const from = partOf(file, folder, order)
        const to = partOf(target, folder, order)
        const allowed = order[from] ?? []
        if (from !== to && to !== '.' && !allowed.includes('*') && !allowed.includes(to)) {
          return `in ${folder}, ${from === '.' ? 'root files' : from} may import ${allowed.length === 0 ? 'no other part' : allowed.join(', ')}`
        }
      }
      return undefined
    }

    function check(source) {
      if (source === null || source === undefined || typeof source.value !== 'string') return
      if (!source.value.startsWith('.')) return
      const target = repoPath(path.resolve(path.dirname(context.filename), source.value))
      const why = verdict(target)
      if (why !== undefined) {
        context.report({
          node: source,
          messageId: 'forbidden',
          data: { file, layer: layer?.name ?? folder, target, why },
        })
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    }
  },
}
