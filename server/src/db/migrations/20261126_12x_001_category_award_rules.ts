import type { Knex } from 'knex'

/**
 * Report points come from award rules alone. A category's own points become a rule for that category at every
 * top-level region (where no rule for it is set yet), and the column goes, so the rules staff edit on 积分规则
 * are the ones a closed or verified report is paid by.
 */
export async function up(knex: Knex): Promise<void> {
  const roots = await knex('regions').whereNull('parent_id').select('id')
  const categories = await knex('case_categories').where('points', '>', 0).select('code', 'kind', 'points')
  for (const root of roots) {
    for (const c of categories) {
      await knex('award_rules')
        .insert({ region_id: root.id, kind: c.kind, category_code: c.code, points: c.points, auto_approve: false, updated_at: new Date() })
        .onConflict(['region_id', 'kind', 'category_code'])
        .ignore()
    }
  }
  await knex.schema.alterTable('case_categories', (t) => {
    t.dropColumn('points')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_categories', (t) => {
    t.integer('points').notNullable().defaultTo(0)
  })
  const rules = await knex('award_rules as r')
    .join('regions as g', 'g.id', 'r.region_id')
    .whereNull('g.parent_id')
    .whereNot('r.category_code', '')
    .select('r.category_code', 'r.points')
  for (const rule of rules) await knex('case_categories').where({ code: rule.category_code }).update({ points: rule.points })
}
