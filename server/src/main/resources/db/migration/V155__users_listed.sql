-- Issue 17: the users a list shows by default (seed 003: hidden users stay out of lists), by tenant and id, so
-- that the capped count of a location's holders asks this index of each holder instead of reading its row
-- (docs/benchmarks.md, "Branch pages17": at a million users the count of a 111-location subtree read 15,000
-- pages of users from disk for 10,001 holders).
create index users_listed on users (tenant_id, id) where not hidden;
