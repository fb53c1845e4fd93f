import type { Knex } from 'knex'
import { dbClientOf } from '../knex'

/**
 * On MySQL/MariaDB, a transfer between two account slots (every award, spend, refund, expiry and reversal) is
 * written by one stored procedure: one round trip instead of a locking read and three statements. The caller
 * computes the rows and the chain hash from what it believes each slot holds; the procedure moves the slots
 * (locking them in primary-key order) only where each still holds exactly that. When one does not, it puts the
 * other back and signals `LEDGER_STALE`, having changed nothing, and the caller reads the slots under lock and
 * calls again. The slots are moved before the transaction row is inserted (one statement fewer than locking
 * them with a read first); when that insert meets a duplicate key, they are put back before the error reaches
 * the caller. See ledger/post.ts.
 *
 * Engines without stored procedures (TiDB) skip this; the ledger then writes with plain statements.
 */
export async function up(knex: Knex): Promise<void> {
  if (dbClientOf(knex) !== 'mysql') return
  const [rows] = await knex.raw('SELECT VERSION() AS v')
  if (/tidb/i.test(String(rows[0]?.v ?? ''))) return
  await knex.raw('DROP PROCEDURE IF EXISTS ledger_post_pair')
  await knex.raw(`
CREATE PROCEDURE ledger_post_pair(
  IN p_id VARCHAR(36), IN p_key VARCHAR(160), IN p_kind VARCHAR(16), IN p_source_type VARCHAR(16), IN p_source_id VARCHAR(64),
  IN p_award_source VARCHAR(96), IN p_reverses_id VARCHAR(36), IN p_proposed_by INT UNSIGNED, IN p_approved_by INT UNSIGNED,
  IN p_memo VARCHAR(255), IN p_content_hash VARCHAR(64), IN p_hash VARCHAR(64), IN p_at DATETIME(3),
  IN a1 INT UNSIGNED, IN key1 VARCHAR(64), IN slot1 INT, IN amount1 BIGINT, IN seq1 INT, IN prev1 VARCHAR(64), IN balance1 BIGINT, IN prior1 BIGINT, IN was_at1 DATETIME(3), IN was_irregular1 DATETIME(3),
  IN earned1 BIGINT, IN at1 DATETIME(3), IN irregular1 DATETIME(3),
  IN a2 INT UNSIGNED, IN key2 VARCHAR(64), IN slot2 INT, IN amount2 BIGINT, IN seq2 INT, IN prev2 VARCHAR(64), IN balance2 BIGINT, IN prior2 BIGINT, IN was_at2 DATETIME(3), IN was_irregular2 DATETIME(3),
  IN earned2 BIGINT, IN at2 DATETIME(3), IN irregular2 DATETIME(3))
BEGIN
  -- Moves both slots (locking them; a range on the primary key, walked in key order) only where each still holds
  -- what the caller saw. Strings are compared as bytes: the parameters take the database's collation, which need
  -- not be the columns'.
  UPDATE ledger_accounts SET
      balance = balance + IF(id = a1, amount1, amount2),
      earned = earned + IF(id = a1, earned1, earned2),
      head_seq = head_seq + 1,
      head_hash = p_hash,
      head_at = IF(id = a1, at1, at2),
      irregular_until = IF(id = a1, irregular1, irregular2)
    WHERE id IN (a1, a2) AND (
      (id = a1 AND BINARY account_key = BINARY key1 AND slot = slot1 AND head_seq = seq1 - 1 AND BINARY head_hash = BINARY prev1
         AND balance = balance1 AND earned = prior1 AND head_at <=> was_at1 AND irregular_until <=> was_irregular1)
      OR (id = a2 AND BINARY account_key = BINARY key2 AND slot = slot2 AND head_seq = seq2 - 1 AND BINARY head_hash = BINARY prev2
         AND balance = balance2 AND earned = prior2 AND head_at <=> was_at2 AND irregular_until <=> was_irregular2));
  IF ROW_COUNT() <> 2 THEN
    -- One slot may have moved: put the other back as it was, then tell the caller. Nothing else was written.
    ${PUT_BACK}
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'LEDGER_STALE';
  END IF;
  BEGIN
    -- A duplicate key (a replayed idempotency key, an award source used before): the slots go back as they were
    -- before the error reaches the caller, who answers the replay or the refusal in the same transaction. Only
    -- rows still holding this transaction's head are put back: after an error that ended the whole transaction
    -- (a deadlock) there are none, and nothing is written outside it.
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
      ${PUT_BACK}
      RESIGNAL;
    END;
    INSERT INTO ledger_transactions (id, idempotency_key, kind, source_type, source_id, award_source, reverses_id,
        proposed_by, approved_by, memo, content_hash, hash, created_at)
      VALUES (p_id, p_key, p_kind, p_source_type, p_source_id, p_award_source, p_reverses_id,
        p_proposed_by, p_approved_by, p_memo, p_content_hash, p_hash, p_at);
    INSERT INTO ledger_postings (transaction_id, account_id, amount, account_seq, prev_hash, prior_earned, created_at)
      VALUES (p_id, a1, amount1, seq1, prev1, prior1, p_at), (p_id, a2, amount2, seq2, prev2, prior2, p_at);
  END;
END`)
}

export async function down(knex: Knex): Promise<void> {
  if (dbClientOf(knex) !== 'mysql') return
  await knex.raw('DROP PROCEDURE IF EXISTS ledger_post_pair')
}

/** Puts the slots this call moved (those holding its hash) back as the caller saw them. */
const PUT_BACK = `UPDATE ledger_accounts SET
        balance = IF(id = a1, balance1, balance2),
        earned = IF(id = a1, prior1, prior2),
        head_seq = IF(id = a1, seq1, seq2) - 1,
        head_hash = IF(id = a1, prev1, prev2),
        head_at = IF(id = a1, was_at1, was_at2),
        irregular_until = IF(id = a1, was_irregular1, was_irregular2)
      WHERE id IN (a1, a2) AND BINARY head_hash = BINARY p_hash;`
