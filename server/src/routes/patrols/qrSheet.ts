import { PatrolIdParam } from '@anju/shared'
import { errors } from '../../errors'
import { requireActor } from '../../middleware/authenticate'
import { checkpointShortCode, checkpointToken, formatShortCode } from '../../patrols/checkpointTokens'
import { checkpointSheetPng } from '../../patrols/qrSheet'
import { patrolRoutesRepo } from '../../repositories/patrolTeams'
import type { AppRouter } from '../define'
import { managedRoute } from './staff'

/** GET /api/staff/patrol-routes/:id/qr-sheet.png — the route's checkpoint codes, ready to print. */
export function patrolQrSheetRoute(router: AppRouter) {
  router.get('/api/staff/patrol-routes/:id/qr-sheet.png', async function patrolQrSheet(ctx) {
    const actor = requireActor(ctx)
    const params = PatrolIdParam.safeParse(ctx.params)
    if (!params.success) throw errors.validation(params.error)
    const { db, config } = ctx.services
    const { route, team } = await managedRoute(db, actor, params.data.id)
    const checkpoints = await patrolRoutesRepo.checkpointsOf(db, [route.id])
    const png = await checkpointSheetPng(
      `${team.name} · ${route.name}`,
      checkpoints.map((c) => {
        const subject = { checkpointId: c.id, tokenVersion: c.token_version, tokenSalt: c.token_salt }
        return {
          seq: c.seq, name: c.name, tokenVersion: c.token_version,
          code: checkpointToken(config.patrol.tokenSecret, subject),
          shortCode: formatShortCode(checkpointShortCode(config.patrol.tokenSecret, subject)),
        }
      }),
    )
    ctx.set('Cache-Control', 'no-store')
    ctx.set('Content-Disposition', `inline; filename="patrol-route-${route.id}-codes.png"`)
    ctx.type = 'image/png'
    ctx.body = png
  })
}
