-- A court's territory (ressort) as postal codes, loaded by `portalis court
-- import` (the CSV's `territory` column): the court a filing is proposed to
-- is found from where the litigant or the children live. A postal code
-- may belong to several courts (of different kinds, or split between two).
CREATE TABLE court_territories (
    postcode  TEXT NOT NULL,
    court_id  INTEGER NOT NULL REFERENCES courts(id) ON DELETE CASCADE,
    PRIMARY KEY (postcode, court_id)
);
CREATE INDEX court_territories_court ON court_territories (court_id);
