-- A receipt belongs to a publication of the document (its published_at):
-- a new file is a new making-available, which the party has not consulted
-- until he opens it. SQLite cannot change a table's constraints: the table
-- is made again.
CREATE TABLE document_receipts_new (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES documents(id),
    -- NULL: recorded before this version, for an earlier publication whose
    -- instant was not kept.
    published_at       TEXT,
    party_id           INTEGER NOT NULL REFERENCES parties(id),
    user_id            INTEGER NOT NULL REFERENCES users(id),
    first_consulted_at TEXT NOT NULL
);
INSERT INTO document_receipts_new (id, document_id, published_at, party_id, user_id, first_consulted_at)
    SELECT r.id, r.document_id,
           CASE WHEN r.first_consulted_at >= d.published_at THEN d.published_at END,
           r.party_id, r.user_id, r.first_consulted_at
    FROM document_receipts r JOIN documents d ON d.id = r.document_id;
DROP TABLE document_receipts;
ALTER TABLE document_receipts_new RENAME TO document_receipts;
CREATE UNIQUE INDEX document_receipts_publication ON document_receipts (document_id, party_id, published_at);
