-- Two words typed at once find a party through a key per ordered pair of
-- its words (`portalis_core::search::party_pair_keys`: « first second »,
-- or « word * » for each word of a name of more than 8 words), in byte
-- order: the parties bearing a word starting with one word typed and a
-- word starting with the other are one range of keys per word of the
-- first kind, read in order, instead of a range of every party bearing
-- the first word, each checked for the second (measured at 1,000,000
-- cases: 3,000 to 11,000 entries read for 21 parties). Written with the
-- party's words; those of the parties already here by the migration runner
-- right after this file, in the same transaction.
CREATE TABLE party_word_pairs (
    pair      TEXT COLLATE "C" NOT NULL,
    party_id  BIGINT NOT NULL REFERENCES parties(id),
    PRIMARY KEY (pair, party_id)
);
CREATE INDEX party_word_pairs_party ON party_word_pairs (party_id);
