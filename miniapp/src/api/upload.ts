import { api, UploadView } from '@anju/shared'
import { platform } from '../platform'
import { API_BASE } from './base'
import { refreshSession } from './client'
import { ApiError, errorFromResponse } from './errors'
import { clearSession, getSession } from './session'

/**
 * Uploads one photo from a local path (chooseMedia / chooseImage); answers the server's upload record. Like
 * `call`, it swaps an expired access token once and tries again, so a photo chosen late in a long form is kept.
 */
export async function uploadPhoto(filePath: string): Promise<UploadView> {
  for (let refreshed = false; ;) {
    const session = getSession()
    if (!session) throw new ApiError(401, 'UNAUTHENTICATED')
    let res: { status: number; body: string }
    try {
      res = await platform.uploadFile(API_BASE + api.upload.path, filePath, { Authorization: `Bearer ${session.accessToken}` })
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR')
    }
    let data: unknown = null
    try {
      data = JSON.parse(res.body)
    } catch {
      // not JSON: reported below
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = UploadView.safeParse(data)
      if (!parsed.success) throw new ApiError(res.status, 'BAD_RESPONSE')
      return parsed.data
    }
    const error = errorFromResponse(res.status, data)
    if (error.status === 401) {
      if (error.code === 'TOKEN_EXPIRED' && !refreshed) {
        refreshed = true
        await refreshSession(session.accessToken)
        continue
      }
      clearSession()
    }
    throw error
  }
}
