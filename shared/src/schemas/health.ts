import { z } from '../zod'

export const HealthView = z.object({ status: z.literal('ok') }).meta({ id: 'Health' })
export const ReadyView = z
  .object({ status: z.literal('ok'), database: z.enum(['sqlite', 'mysql']) })
  .meta({ id: 'Ready' })
