-- The staff's search checks each word typed among the party's own words
-- (`party_words`, by `party_words_party`) rather than on its folded name:
-- the name (`parties.search_name`, from 0018) is no longer read, and goes.
ALTER TABLE parties DROP COLUMN search_name;
