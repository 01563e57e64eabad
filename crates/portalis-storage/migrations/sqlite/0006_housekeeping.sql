-- Housekeeping deletes old rate events by time alone.
CREATE INDEX rate_events_at ON rate_events (at);
