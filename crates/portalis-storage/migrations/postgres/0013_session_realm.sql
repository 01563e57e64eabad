-- Who a session belongs to (portalis_core::realm): a litigant, or a
-- court's agent. The pages of one realm accept no session of the other.
ALTER TABLE sessions ADD COLUMN realm TEXT NOT NULL DEFAULT 'litigant';
