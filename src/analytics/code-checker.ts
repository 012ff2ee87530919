// The API's code check (CodeValidationException) run by the SQL engine: the code must compile against the
// in-application streams the inputs create and the reference tables.

import type { ApplicationCodeChecker } from './deps.ts'
import { checkApplicationCode } from './sql/index.ts'

export const checkCodeWithSqlEngine: ApplicationCodeChecker = (code, sources) =>
  checkApplicationCode(
    code,
    sources.filter((source) => source.kind === 'stream'),
    sources.filter((source) => source.kind === 'table'),
  )
