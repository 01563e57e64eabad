-- The staff's search checks each word typed among the party's own words
-- (`party_words`, by party) rather than on its folded name:
-- the name (`parties.search_name`, from 0018) is no longer read, and goes.
ALTER TABLE parties DROP COLUMN search_name;

-- Each word typed beyond the first is checked among the party's own words:
-- an index on (party_id, word) answers it alone (on SQLite, the index on
-- party_id of the WITHOUT ROWID table carries the word already).
CREATE INDEX party_words_party_word ON party_words (party_id, word);
DROP INDEX party_words_party;
