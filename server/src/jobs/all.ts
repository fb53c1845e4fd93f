/**
 * Registers every background job with the registry in ./index. Each job module pushes itself onto `jobs`
 * when imported; add one import line per job module.
 */
import './expireRedemptions'
import './remindExpiringRedemptions'
import './expirePoints'
import './closeStalePatrols'
import './superviseOverdueCases'
import './deliverOutbox'
import './sweepUploads'
import './purgeSessions'
import './purgePatrolTracks'
import './purgeUploadOriginals'
import './purgeIdempotencyKeys'
import './checkpointLedger'
