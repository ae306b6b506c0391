-- The analytics overview groups a period's published targets by the
-- campaigns of the links the composer made for each post on each
-- channel: this index finds them by post without scanning every link of
-- the workspace, and holds the channel and campaign so the lookup reads
-- the index alone.
CREATE INDEX links_post ON links(workspace_id, post_id, channel_id, campaign);
