/**
 * Track storage benchmark: bytes per one-hour patrol (a fix every 10 s, 360 points) as the service stores it,
 * measured on a real SQLite database (and MySQL/MariaDB when BENCH_MYSQL_URL or TEST_MYSQL_URL is set), beside
 * the naive design of one row per point. Writes bench/results/patrol-tracks.json.
 *
 *   npm run bench:patrols            (PATROLS=500 to change the sample size)
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { dbClientOf, type Db } from '../server/src/db/knex'
import { DEMO_PATROL_CHECKPOINTS, seedPatrolDemo } from '../server/src/db/seeds/patrols'
import { seedDemo } from '../server/src/db/seeds/demo'
import { encodeTrack, type TrackPoint } from '../server/src/patrols/trackCodec'
import { patrolsRepo, patrolTracksRepo } from '../server/src/repositories/patrols'
import { createTestDatabase, type TestDatabase } from '../server/src/testing/databases'
import { batchesOf, walkThrough } from '../server/src/testing/patrolTracks'

const PATROLS = Number(process.env.PATROLS ?? 300)
const POINTS = 360
const BATCH_POINTS = 6 // the mini program uploads a batch a minute
const PATROLS_PER_DAY = 1000

function hourOfWalking(seed: number): TrackPoint[] {
  const loop = [...DEMO_PATROL_CHECKPOINTS, DEMO_PATROL_CHECKPOINTS[0]]
  const track: TrackPoint[] = []
  let startMs = Date.UTC(2026, 10, 1, 12) + seed * 3_600_000
  // Walk the loop until there are 360 fixes, at 0.8–1.4 m/s with pauses, as volunteers do.
  while (track.length < POINTS) {
    const walk = walkThrough(loop, { startMs, speedMps: 0.8 + (seed % 7) * 0.1, pauseS: 60 + (seed % 5) * 30, intervalS: 10, seed: seed + track.length })
    track.push(...walk.points.filter((p) => !track.length || p.t > track.at(-1)!.t))
    startMs = walk.endMs + 10_000
  }
  return track.slice(0, POINTS)
}

/** Bytes a table takes on disk: SQLite's dbstat, or InnoDB's statistics after ANALYZE. */
async function tableBytes(db: Db, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  if (dbClientOf(db) === 'sqlite') {
    for (const table of tables) {
      const rows = (await db.raw(`select sum(pgsize) as bytes from dbstat where name = ? or name in (select name from sqlite_master where tbl_name = ? and type = 'index')`, [table, table])) as { bytes: number }[]
      out[table] = Number(rows[0]?.bytes ?? 0)
    }
    return out
  }
  for (const table of tables) {
    await db.raw(`analyze table \`${table}\``)
    const [rows] = (await db.raw(
      'select data_length + index_length as bytes from information_schema.tables where table_schema = database() and table_name = ?',
      [table],
    )) as [{ bytes: number }[]]
    out[table] = Number(rows[0]?.bytes ?? 0)
  }
  return out
}

async function measure(t: TestDatabase, tracks: TrackPoint[][]) {
  const db = t.db
  await seedDemo(db)
  await seedPatrolDemo(db)
  const team = await db('patrol_teams').first()
  const route = await db('patrol_routes').first()
  const user = await db('users').where({ openid: 'dev:volunteer' }).first()
  await db.schema.createTable('bench_points_row_per_point', (tb) => {
    tb.integer('patrol_id').notNullable()
    tb.integer('seq').notNullable()
    tb.datetime('t', { precision: 3 }).notNullable()
    tb.double('lat').notNullable()
    tb.double('lng').notNullable()
    tb.float('acc').nullable()
    tb.primary(['patrol_id', 'seq'])
  })

  const running: number[] = []
  let i = 0
  for (const track of tracks) {
    await db.transaction(async (trx) => {
      const patrolId = await patrolsRepo.insert(trx, {
        userId: user.id, teamId: team.id, routeId: route.id, regionId: team.region_id, lat: track[0]!.lat, lng: track[0]!.lng,
        accuracy: 10, startedAt: new Date(track[0]!.t), checkpointsTotal: 5,
      })
      await trx('patrols').where({ id: patrolId }).update({ running_user_id: null })
      for (const [n, batch] of batchesOf(track, BATCH_POINTS).entries()) {
        await patrolTracksRepo.insertBatch(trx, { patrolId, batchSeq: n + 1, pointCount: batch.length, points: encodeTrack(batch), receivedAt: new Date(batch.at(-1)!.t) })
      }
      await trx('bench_points_row_per_point').insert(
        track.map((p, seq) => ({ patrol_id: patrolId, seq, t: new Date(p.t), lat: p.lat, lng: p.lng, acc: p.acc })),
      )
      running.push(patrolId)
    })
    if (++i % 100 === 0) process.stdout.write(`  ${t.kind}: ${i}/${tracks.length} patrols\n`)
  }
  const whileRunning = await tableBytes(db, ['patrol_track_batches'])
  // Finishing folds each patrol's batches into one row, as finishPatrol does.
  for (const patrolId of running) {
    await db.transaction(async (trx) => {
      const batches = await patrolTracksRepo.batchesOf(trx, patrolId)
      const points = tracks[running.indexOf(patrolId)]!
      await patrolTracksRepo.fold(trx, { patrolId, pointCount: points.length, lastBatchSeq: batches.length, points: encodeTrack(points) })
    })
  }
  if (dbClientOf(db) === 'sqlite') await db.raw('vacuum')
  const finished = await tableBytes(db, ['patrol_tracks', 'bench_points_row_per_point', 'patrols'])
  const per = (bytes: number) => Math.round(bytes / tracks.length)
  return {
    database: t.kind,
    patrols: tracks.length,
    bytesPerPatrol: {
      finishedTrack: per(finished.patrol_tracks!),
      runningBatches: per(whileRunning.patrol_track_batches!),
      rowPerPointAlternative: per(finished.bench_points_row_per_point!),
      patrolRow: per(finished.patrols!),
    },
  }
}

async function main() {
  const tracks = Array.from({ length: PATROLS }, (_, seed) => hourOfWalking(seed + 1))
  const blobs = tracks.map((tr) => encodeTrack(tr).length)
  const blobAvg = blobs.reduce((a, b) => a + b, 0) / blobs.length
  const kinds = ['sqlite' as const, ...(process.env.BENCH_MYSQL_URL || process.env.TEST_MYSQL_URL ? ['mysql' as const] : [])]
  if (process.env.BENCH_MYSQL_URL) process.env.TEST_MYSQL_URL = process.env.BENCH_MYSQL_URL
  const databases = []
  for (const kind of kinds) {
    const t = await createTestDatabase(kind)
    try {
      databases.push(await measure(t, tracks))
    } finally {
      await t.drop()
    }
  }
  const perYear = (bytesPerPatrol: number) => Math.round((bytesPerPatrol * PATROLS_PER_DAY * 365) / 1e6)
  const result = {
    measuredAt: new Date().toISOString(),
    pointsPerPatrol: POINTS,
    intervalSeconds: 10,
    batchPoints: BATCH_POINTS,
    encodedBlob: {
      avgBytes: Math.round(blobAvg),
      minBytes: Math.min(...blobs),
      maxBytes: Math.max(...blobs),
      bytesPerPoint: Math.round((blobAvg / POINTS) * 100) / 100,
    },
    databases: databases.map((d) => ({
      ...d,
      megabytesPerYearAt1000PatrolsADay: {
        finishedTrack: perYear(d.bytesPerPatrol.finishedTrack),
        rowPerPointAlternative: perYear(d.bytesPerPatrol.rowPerPointAlternative),
      },
      rowsPerYearAt1000PatrolsADay: { finishedTrack: PATROLS_PER_DAY * 365, rowPerPointAlternative: PATROLS_PER_DAY * 365 * POINTS },
    })),
  }
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'patrol-tracks.json')
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(JSON.stringify(result, null, 2))
  console.log(`written to ${path.relative(process.cwd(), out)}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
