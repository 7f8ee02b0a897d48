-- seed 000, "Provider Scheduling": each provider's weekly hours and breaks, in their time zone.
-- One validated document per user (WeeklyAvailability): it is always read and replaced whole, it
-- lives and dies with its user row (so with the tenant key), and no query looks inside it.
alter table users add column availability jsonb;
