-- Indexes behind the admin API's list filters and sort orders (see hbs/README.md, Admin API): every column a list
-- can be sorted or filtered on is indexed, so a page stays fast with 100,000 hosts.
CREATE INDEX idx_host_update_at ON host (update_at);
CREATE INDEX idx_host_ip ON host (ip);
CREATE INDEX idx_strategy_metric ON strategy (metric);
CREATE INDEX idx_tpl_parent_id ON tpl (parent_id);
CREATE INDEX idx_tpl_action_id ON tpl (action_id);
CREATE INDEX idx_expression_action_id ON expression (action_id);
