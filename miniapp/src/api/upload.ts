import { api, UploadView } from '@anju/shared'
import { platform } from '../platform'
import { API_BASE } from './base'
import { withSession } from './client'
import { ApiError } from './errors'

/**
 * Uploads one photo from a local path (chooseMedia / chooseImage); answers the server's upload record. Like
 * `call`, it swaps an expired access token once and tries again, so a photo chosen late in a long form is kept.
 */
export async function uploadPhoto(filePath: string): Promise<UploadView> {
  const res = await withSession(true, async (accessToken) => {
    let sent: { status: number; body: string }
    try {
      sent = await platform.uploadFile(API_BASE + api.upload.path, filePath, { Authorization: `Bearer ${accessToken}` })
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR')
    }
    let data: unknown = null
    try {
      data = JSON.parse(sent.body)
    } catch {
      // not JSON: an error response is reported from its status, a success below as a bad response
    }
    return { statusCode: sent.status, data }
  })
  const parsed = UploadView.safeParse(res.data)
  if (!parsed.success) throw new ApiError(res.statusCode, 'BAD_RESPONSE')
  return parsed.data
}
