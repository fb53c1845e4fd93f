import { api, UploadView } from '@anju/shared'
import { platform } from '../platform'
import { API_BASE } from './base'
import { ApiError, errorFromResponse } from './errors'
import { getSession } from './session'

/** Uploads one photo from a local path (chooseMedia / chooseImage); answers the server's upload record. */
export async function uploadPhoto(filePath: string): Promise<UploadView> {
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
  if (res.status < 200 || res.status >= 300) throw errorFromResponse(res.status, data)
  const parsed = UploadView.safeParse(data)
  if (!parsed.success) throw new ApiError(res.status, 'BAD_RESPONSE')
  return parsed.data
}
