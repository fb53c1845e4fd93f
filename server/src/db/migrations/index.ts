import type { Knex } from 'knex'
import * as foundation from './20261125_001_foundation'
import * as ledger from './20261125_002_ledger'

/**
 * Migrations are listed here, in order, rather than discovered on disk, so they run the same under tsx,
 * vitest and a bundler. A migration, once landed, is never edited: add a new one.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261125_001_foundation': foundation,
  '20261125_002_ledger': ledger,
}

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
}
