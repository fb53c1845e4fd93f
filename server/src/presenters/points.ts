import { AWARD_KIND_LABELS, type AwardView, type PointsEntry } from '@anju/shared'
import type { Queryable } from '../db/knex'
import type { LedgerEntry } from '../ledger'
import { can, type Actor } from '../policies'
import type { AwardRow } from '../repositories/awards'
import { regionsRepo } from '../repositories/regions'
import { isoTime } from './index'

/** A ledger entry as a resident reads it: the amount and a reason in words. */
export function presentEntry(entry: LedgerEntry): PointsEntry {
  const memo = entry.memo
  const reason = {
    award: memo || '积分奖励',
    redemption: `兑换「${memo}」`,
    refund: `兑换退回「${memo}」`,
    reversal: memo ? `积分撤回：${memo}` : '积分撤回',
    expiry: '积分过期',
  }[entry.kind as PointsEntry['kind']]
  return {
    transactionId: entry.transactionId,
    kind: entry.kind as PointsEntry['kind'],
    amount: entry.amount,
    reason,
    source: { type: entry.sourceType as PointsEntry['source']['type'], id: entry.sourceId },
    createdAt: entry.createdAt.toISOString(),
  }
}

/** Presents awards in bulk: people and regions are loaded once for the whole page. */
export async function presentAwards(db: Queryable, actor: Actor, rows: AwardRow[]): Promise<AwardView[]> {
  const userIds = [...new Set(rows.flatMap((r) => [r.user_id, r.proposed_by, r.decided_by]).filter((x): x is number => x !== null))]
  const users = userIds.length ? await db('users').whereIn('id', userIds).select('id', 'display_name') : []
  const names = new Map(users.map((u) => [Number(u.id), u.display_name as string]))
  const person = (id: number | null) => (id === null ? null : { id, displayName: names.get(id) ?? '' })
  const regions = new Map((await regionsRepo.findByIds(db, [...new Set(rows.map((r) => r.region_id))])).map((r) => [r.id, r]))
  // The proposer of a manual award may not approve it: a second staff member must.
  const mayReview = (row: AwardRow, regionPath: string) =>
    can(actor, 'award.review', { regionPath }) && !(row.kind === 'manual' && row.proposed_by === actor.id)
  return rows.map((row) => {
    const region = regions.get(row.region_id)!
    return {
      id: row.id,
      kind: row.kind,
      points: row.points,
      grantedPoints: row.granted_points,
      status: row.status,
      reason: row.reason || AWARD_KIND_LABELS[row.kind],
      source: { type: row.source_type, id: row.source_id },
      resident: person(row.user_id)!,
      region: { id: region.id, name: region.name, level: region.level },
      proposedBy: person(row.proposed_by),
      decidedBy: person(row.decided_by),
      decisionNote: row.decision_note,
      createdAt: isoTime(row.created_at),
      decidedAt: row.decided_at === null ? null : isoTime(row.decided_at),
      actions: row.status === 'pending' && mayReview(row, region.path) ? ['approve', 'reject'] : [],
    }
  })
}
