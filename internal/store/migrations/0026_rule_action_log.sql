-- The automatic action log is read newest first, for a workspace or for
-- one rule, and paged by ID (IDs grow with time), so its indexes end in
-- the ID.
DROP INDEX rule_actions_workspace;
CREATE INDEX rule_actions_workspace ON rule_actions(workspace_id, id);
CREATE INDEX rule_actions_rule ON rule_actions(rule_id, id);
