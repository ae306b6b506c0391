-- Which Herald process made each publishing attempt (host and process ID),
-- so an operator running several processes can tell who published what.
ALTER TABLE publish_attempts ADD COLUMN worker TEXT NOT NULL DEFAULT '';
