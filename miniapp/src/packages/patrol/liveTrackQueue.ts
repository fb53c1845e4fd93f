import Taro from '@tarojs/taro'
import { api } from '@anju/shared'
import { call } from '../../api'
import { TrackQueue } from './trackQueue'

/** The live page's track queue: kept in the phone's storage, sent to the patrol API. */
export function liveTrackQueue(patrolId: number, lastAcceptedSeq: number): TrackQueue {
  return new TrackQueue(patrolId, lastAcceptedSeq, {
    storage: {
      get: (key) => Taro.getStorageSync(key),
      set: (key, value) => Taro.setStorageSync(key, value),
      remove: (key) => Taro.removeStorageSync(key),
    },
    send: async (batch) => {
      await call(api.uploadPatrolTrack, {
        params: { id: patrolId }, body: batch, idempotencyKey: `patrol-${patrolId}-track-${batch.batchSeq}`,
      })
    },
  })
}
