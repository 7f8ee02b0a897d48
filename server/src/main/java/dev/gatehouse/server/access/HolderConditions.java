package dev.gatehouse.server.access;

/**
 * What other features' single statements may ask of the {@code assignments} table, as SQL written
 * here (docs/style.md rule 16, {@code TableOwnershipTest}): the session lookup and the roster page
 * users in one query each on hot or paged paths, where asking {@link Assignments} first would add a
 * round trip per request or pass every holder's id. Each method answers a condition or column over
 * {@code user}, the alias of a row with {@code tenant_id} and {@code id} columns (a user), with the
 * named bind parameters; what "held now" means stays here, beside {@link Assignments#holdersTenantWide}.
 */
public final class HolderConditions {

    private HolderConditions() {}

    /** Whether an assignment {@code a} is in force at {@code :at}: started and not expired. */
    private static String inForce(String at) {
        return "(a.starts_at is null or a.starts_at <= :" + at + ") and (a.expires_at is null or a.expires_at > :" + at
                + ")";
    }

    private static String ofUser(String user) {
        return "a.tenant_id = " + user + ".tenant_id and a.user_id = " + user + ".id";
    }

    /** A {@code text[]} expression: the distinct roles {@code user} holds at {@code :now}, by assignments in force. */
    public static String rolesHeld(String user, String now) {
        return "array(select distinct a.role_key from assignments a where " + ofUser(user) + " and " + inForce(now)
                + ")";
    }

    /**
     * A {@code text} expression: the roles in force at {@code :now}, each once as {@code role} or
     * {@code role@location}, in the order they were given (created_at, id), space-separated; null
     * when none (the export's roles column, issue 17).
     */
    public static String rolesHeldAsText(String user, String now) {
        return "(select string_agg(h.held, ' ' order by h.first) from ("
                + "select r.held, min(r.n) as first from ("
                + "select case when a.location_id is null then a.role_key else a.role_key || '@' || a.location_id end"
                + " as held, row_number() over (order by a.created_at, a.id) as n"
                + " from assignments a where " + ofUser(user) + " and " + inForce(now)
                + ") r group by r.held) h)";
    }

    /** Whether {@code user} has ever been given {@code :role}, whenever (the roster's role filter). */
    public static String givenRole(String user, String role) {
        return "exists (select 1 from assignments a where " + ofUser(user) + " and a.role_key = :" + role + ")";
    }

    /**
     * Whether {@code user} is among the holders of a role at one of {@code :locations} (a
     * {@code uuid[]}), whenever; from the locations to their holders (assignments_by_location), not
     * from each user to theirs.
     */
    public static String givenRoleAtAny(String user, String tenant, String locations) {
        return user + ".id in (select a.user_id from assignments a where a.tenant_id = :" + tenant
                + " and a.location_id = any (cast(:" + locations + " as uuid[])))";
    }

    /**
     * A statement counting the assignments at one of {@code :locations}, stopping at {@code :cap}: whether a
     * location filter's subtree has few holders (the roster chooses its form by it; issue 17).
     */
    public static String assignmentsAtAnyUpTo(String tenant, String locations, String cap) {
        return "select count(*) from (select 1 from assignments a where a.tenant_id = :" + tenant
                + " and a.location_id = any (cast(:" + locations + " as uuid[])) limit :" + cap + ") as held";
    }

    /**
     * A {@code with} clause naming {@code holders(user_id)}: the distinct holders of a role at one of
     * {@code :locations}, from the locations to their holders (assignments_by_location), each read once.
     * Materialized, so that a plan made for any array (PgJDBC's prepared statements get generic plans)
     * keeps it.
     */
    public static String holdersAtAny(String tenant, String locations) {
        return "with holders as materialized (select distinct a.user_id from assignments a where a.tenant_id = :"
                + tenant + " and a.location_id = any (cast(:" + locations + " as uuid[])))\n";
    }

    /**
     * {@link #givenRoleAtAny} asked of each user in turn (assignments_by_user), for a walk of the users in a
     * list's order that stops at the page's end. "offset 0" keeps PostgreSQL from turning the exists into a
     * join over every holder, which a generic plan, guessing ten locations, did for a subtree of 300,000
     * holders (10 s); the locations are cast once (an init plan), not for every assignment looked at.
     */
    public static String givenRoleAtAnyAskedOfEach(String user, String locations) {
        return "exists (select 1 from assignments a where " + ofUser(user)
                + " and a.location_id = any (cast((select cast(:" + locations + " as uuid[])) as uuid[])) offset 0)";
    }

    /**
     * Whether {@code user} holds, in force at {@code :at}, a role of {@code :<prefix>Anywhere}, or of
     * {@code :<prefix>Located} tenant-wide or at one of {@code :<prefix>Places} (a {@code uuid[]}), and,
     * when {@code bySource}, through one of {@code :<prefix>Sources}: who-can's holders ({@link HeldRoles}).
     */
    static String holdsInForce(String user, String prefix, String at, boolean bySource) {
        return "exists (select 1 from assignments a where " + ofUser(user) + " and " + inForce(at)
                + (bySource ? " and a.source = any (cast(:" + prefix + "Sources as text[]))" : "")
                + " and (a.role_key = any (cast(:" + prefix + "Anywhere as text[]))"
                + " or a.role_key = any (cast(:" + prefix + "Located as text[]))"
                + " and (a.location_id is null or a.location_id = any (cast(:" + prefix + "Places as uuid[])))))";
    }

    /** Whether {@code user} holds some role at {@code :at} (seed 001's "every user has at least one role"). */
    public static String holdsSomeRole(String user, String at) {
        return "exists (select 1 from assignments a where " + ofUser(user) + " and " + inForce(at) + ")";
    }

    /**
     * Whether a location-scoped reader sees {@code user}: a role not expired at {@code :at} at one of
     * {@code :locations} (a {@code uuid[]}), and none held tenant-wide (the rule of UserGuard.requireRead).
     */
    public static String visibleOnlyAt(String user, String locations, String at) {
        String notExpired = "(a.expires_at is null or a.expires_at > :" + at + ")";
        return "exists (select 1 from assignments a where " + ofUser(user) + " and " + notExpired
                + " and a.location_id = any (cast(:" + locations + " as uuid[])))"
                + "\n    and not exists (select 1 from assignments a where " + ofUser(user) + " and " + notExpired
                + " and a.location_id is null)";
    }
}
