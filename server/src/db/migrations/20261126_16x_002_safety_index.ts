import type { Knex } from 'knex'

/**
 * 平安指数: the configured indicators, the figures the centre enters each month for a region (those that come
 * from the police and fire departments), and each published month with everything it was computed from.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('safety_indicators', (t) => {
    t.string('code', 32).primary()
    t.string('name', 32).notNullable()
    // Null for a primary indicator (治安, 交通, 消防, 群众感受); a secondary one names its primary.
    t.string('parent_code', 32).nullable()
    t.double('weight').notNullable()
    t.string('direction', 16).notNullable()
    t.string('source', 16).notNullable()
    // JSON array of case category codes, for source = cases.
    t.string('category_codes', 400).notNullable().defaultTo('[]')
    // The value that scores 100 and the value that scores 0 (counts per grid a month, or rates 0–1).
    t.double('target').notNullable()
    t.double('limit_value').notNullable()
    t.string('explanation', 120).notNullable().defaultTo('')
    t.integer('sort_order').notNullable().defaultTo(0)
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('safety_index_inputs', (t) => {
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('month', 7).notNullable()
    t.string('indicator_code', 32).notNullable()
    t.double('value').notNullable()
    t.integer('entered_by').unsigned().notNullable().references('id').inTable('users')
    t.datetime('entered_at', { precision: 3 }).notNullable()
    t.primary(['region_id', 'month', 'indicator_code'])
  })

  await knex.schema.createTable('safety_index_publications', (t) => {
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('month', 7).notNullable()
    t.double('score').notNullable()
    // JSON: the indicators as configured then, every input value with its source, the grid count, the result.
    t.text('detail', 'mediumtext').notNullable()
    t.integer('published_by').unsigned().notNullable().references('id').inTable('users')
    t.datetime('published_at', { precision: 3 }).notNullable()
    t.primary(['region_id', 'month'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('safety_index_publications')
  await knex.schema.dropTableIfExists('safety_index_inputs')
  await knex.schema.dropTableIfExists('safety_indicators')
}
