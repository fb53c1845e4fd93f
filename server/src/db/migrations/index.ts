import type { Knex } from 'knex'
import * as foundation from './20261125_001_foundation'
import * as ledger from './20261125_002_ledger'
import * as awardsMall from './20261125_003_awards_mall'
import * as gridLoop from './20261125_004_grid_loop'
import * as patrols from './20261125_005_patrols'
import * as pointsExpiry from './20261125_006_points_expiry'
import * as rewardImages from './20261125_007_reward_images'
import * as relatedCases from './20261126_101_related_cases'
import * as accountSecurity from './20261126_14x_001_account_security'
import * as consoleRollups from './20261126_16x_001_rollups'
import * as safetyIndex from './20261126_16x_002_safety_index'
import * as outboxDestinations from './20261126_110_outbox_destinations'
import * as privacy from './20261126_13x_privacy'
import * as rewardPickupRegions from './20261126_13x_reward_pickup_regions'
import * as caseAssigneeIndex from './20261126_190_case_assignee_index'
import * as casesTimeOrder from './20261126_220_cases_time_order'
import * as categoryAwardRules from './20261126_12x_001_category_award_rules'
import * as idempotencyWithoutCredentials from './20261126_12x_002_idempotency_without_credentials'
import * as userRowGuard from './20261126_19x_user_row_guard'
import * as ledgerKeyedChain from './20261126_12x_003_ledger_keyed_chain'
import * as residentEarned from './20261126_200_resident_earned'
import * as earnedPositions from './20261126_210_earned_positions'
import * as ledgerPostProcedure from './20261126_230_ledger_post_procedure'

/**
 * Migrations are listed here, in order, rather than discovered on disk, so they run the same under tsx,
 * vitest and a bundler. A migration, once landed, is never edited: add a new one.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261125_001_foundation': foundation,
  '20261125_002_ledger': ledger,
  '20261125_003_awards_mall': awardsMall,
  '20261125_004_grid_loop': gridLoop,
  '20261125_005_patrols': patrols,
  '20261125_006_points_expiry': pointsExpiry,
  '20261125_007_reward_images': rewardImages,
  '20261126_101_related_cases': relatedCases,
  '20261126_14x_001_account_security': accountSecurity,
  '20261126_16x_001_rollups': consoleRollups,
  '20261126_16x_002_safety_index': safetyIndex,
  '20261126_110_outbox_destinations': outboxDestinations,
  '20261126_13x_privacy': privacy,
  '20261126_13x_reward_pickup_regions': rewardPickupRegions,
  '20261126_190_case_assignee_index': caseAssigneeIndex,
  '20261126_12x_001_category_award_rules': categoryAwardRules,
  '20261126_12x_002_idempotency_without_credentials': idempotencyWithoutCredentials,
  '20261126_19x_user_row_guard': userRowGuard,
  '20261126_12x_003_ledger_keyed_chain': ledgerKeyedChain,
  '20261126_200_resident_earned': residentEarned,
  '20261126_210_earned_positions': earnedPositions,
  '20261126_220_cases_time_order': casesTimeOrder,
  '20261126_230_ledger_post_procedure': ledgerPostProcedure,
}

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
}
