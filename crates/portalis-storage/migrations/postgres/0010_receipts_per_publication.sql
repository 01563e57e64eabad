-- A receipt belongs to a publication of the document (its published_at):
-- a new file is a new making-available, which the party has not consulted
-- until he opens it.
ALTER TABLE document_receipts ADD COLUMN published_at TEXT;
-- NULL: recorded before this version, for an earlier publication whose
-- instant was not kept.
UPDATE document_receipts r SET published_at = d.published_at
    FROM documents d WHERE d.id = r.document_id AND r.first_consulted_at >= d.published_at;
ALTER TABLE document_receipts DROP CONSTRAINT document_receipts_document_id_party_id_key;
CREATE UNIQUE INDEX document_receipts_publication ON document_receipts (document_id, party_id, published_at);
