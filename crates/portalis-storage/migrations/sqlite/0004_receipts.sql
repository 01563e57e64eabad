-- The first consultation of each document by each party: a legal fact
-- (CPC art. 748-2 and 748-8) the court may ask for. Written once.
CREATE TABLE document_receipts (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES documents(id),
    party_id           INTEGER NOT NULL REFERENCES parties(id),
    user_id            INTEGER NOT NULL REFERENCES users(id),
    first_consulted_at TEXT NOT NULL,
    UNIQUE (document_id, party_id)
);
