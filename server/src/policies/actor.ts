import type { Role } from '@anju/shared'

/** Who is making the request, as the policies see them. */
export interface Actor {
  id: number
  role: Role
  displayName: string
  /** The region node a scoped account acts in, with its materialised path; null for residents. */
  region: { id: number; path: string } | null
}
