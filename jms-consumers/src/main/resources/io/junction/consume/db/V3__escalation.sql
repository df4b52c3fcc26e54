-- When a problem's severity was last raised for being left open and unacknowledged.
ALTER TABLE problems ADD COLUMN escalated_at TIMESTAMP WITH TIME ZONE;
