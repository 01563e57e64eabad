-- The console's party page lists the avis sent to the party, newest first
-- (`party_record`): an index by party, in that order, instead of a scan
-- of every avis ever sent.
CREATE INDEX document_notices_party ON document_notices (party_id, id);
