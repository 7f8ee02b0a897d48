-- Issue 17: a refresh rotated its token by appending the old one's hash to rotated_refresh_hashes, and
-- every such update wrote all of the array's elements (an empty array too) into this GIN index, which the
-- lookup (= any(...)) never used. Refresh tokens now name their family (oidc.RefreshFamilies) and only
-- authorizations from before keep a list; the index holds those lists only, for the lookup's @>.
drop index oidc_authorizations_rotated;
create index oidc_authorizations_rotated on oidc_authorizations using gin (rotated_refresh_hashes)
    where rotated_refresh_hashes <> '{}';
