-- Attachments that ended: the party's number was re-issued, the party was
-- withdrawn, or the court detached its accounts. The access is gone (the
-- row left `attachments`); what was is kept on record.
CREATE TABLE ended_attachments (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    party_id         INTEGER NOT NULL REFERENCES parties(id),
    attached_at      TEXT NOT NULL,
    first_viewed_at  TEXT,
    ended_at         TEXT NOT NULL,
    reason           TEXT NOT NULL          -- number_reissued | party_withdrawn | detached_by_court
);
CREATE INDEX ended_attachments_party ON ended_attachments (party_id);
CREATE INDEX ended_attachments_user ON ended_attachments (user_id);

-- Parties withdrawn before this version kept their attachments: they end
-- now, when the party was withdrawn.
INSERT INTO ended_attachments (user_id, party_id, attached_at, first_viewed_at, ended_at, reason)
    SELECT a.user_id, a.party_id, a.attached_at, a.first_viewed_at, p.withdrawn_at, 'party_withdrawn'
    FROM attachments a JOIN parties p ON p.id = a.party_id WHERE p.withdrawn_at IS NOT NULL;
DELETE FROM attachments WHERE party_id IN (SELECT id FROM parties WHERE withdrawn_at IS NOT NULL);
