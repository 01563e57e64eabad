-- A message's secret (an identification number, an SMS code) is kept
-- beside its body only until the message is delivered or given up; then it
-- is masked in the body and forgotten. `reference` is drawn at random when
-- a worker first claims the message: its Message-ID and SMS tag, the same
-- at every attempt and unique across databases.
ALTER TABLE outbox ADD COLUMN secret TEXT;
ALTER TABLE outbox ADD COLUMN reference TEXT;

-- Messages delivered or given up before this version kept their secrets in
-- their bodies, which cannot be told apart from the rest: the bodies of
-- those kinds go.
UPDATE outbox SET body = '[contenu effacé : il contenait un code ou un numéro]'
    WHERE status IN ('sent', 'failed') AND kind IN ('attach_code', 'identification_number');

-- Housekeeping deletes delivered and given-up messages after a while
-- (keeping the avis), and unlinks the reminders and updates that named them.
CREATE INDEX outbox_done ON outbox (status, created_at);
CREATE INDEX document_notices_outbox ON document_notices (outbox_id);
CREATE INDEX hearing_reminders_outbox ON hearing_reminders (outbox_id);
CREATE INDEX case_updates_outbox ON case_updates (outbox_id);
