package dev.gatehouse.server.audittrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audittrail.AuditFixtures.Clinic;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A search of the trail answers exactly what its filters say, whichever way {@link AuditQueries}
 * finds the page: from an IP range's own index when the range holds few events, by walking the
 * sequence-ordered indexes of several filters together, or by the planner when that walk gives up.
 * The trail is laid out to force each of those: a few old needles behind thousands of events that
 * match one filter of a pair but never both, a dense block of one application's events on top, and
 * an address range holding more events than {@link AuditQueries#FEW}. Every search is checked
 * against the same filter applied in Java to the tenant's whole trail.
 */
class AuditPageStrategyIT extends IntegrationTest {

    private static final List<String> ACTIONS = List.of("PATIENT_RECORD_VIEWED", "LOGIN_SUCCEEDED", "USER_UPDATED",
            "ROLE_ASSIGNED");
    private static final List<String> ROLES = List.of("provider", "billing", "front_desk", "manager");
    private static final UUID BULK_ACTOR = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

    @Autowired
    JdbcClient jdbc;

    private Clinic clinic;
    private List<Row> trail;
    private long newest;

    /** An event as the Java side of the comparison sees it. */
    record Row(long seq, Instant at, String action, @Nullable UUID actorId, @Nullable String actorName,
            List<String> roles, @Nullable String targetType, @Nullable String targetId, @Nullable String ip,
            boolean recorded) {}

    @BeforeEach
    void trail() {
        clinic = new AuditFixtures(api, operatorToken()).clinic();
        UUID tenant = UUID.fromString(clinic.id());
        long base = jdbc.sql("select last_seq from audit_sequences where tenant_id = :tenant").param("tenant", tenant)
                .query(Long.class).single();
        // Oldest first: 3 needles (LOGIN_SUCCEEDED by a billing clerk), 2,400 events alternating
        // LOGIN_SUCCEEDED by providers and USER_UPDATED by billing, 11,000 mixed events over
        // 10.0.0.0/8 and a few other addresses, and 1,000 events of one application on top.
        jdbc.sql("""
                        insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles,
                                                  target_type, target_id, target_name, ip, details)
                        select :tenant, :base + s, now() + s * interval '1 millisecond',
                               case when s <= 3 then 'LOGIN_SUCCEEDED'
                                    when s <= 2403 then case when s % 2 = 0 then 'LOGIN_SUCCEEDED' else 'USER_UPDATED' end
                                    when s <= 13403 then (cast(:actions as text[]))[1 + (s * 7) % 4]
                                    else 'PATIENT_RECORD_VIEWED' end,
                               case when s > 13403 then cast(:bulk as uuid)
                                    when s % 5 = 0 then cast('00000000-0000-0000-0000-0000000000a' || (s % 3) as uuid) end,
                               case when s > 13403 then 'Bulk' when s % 5 <> 0 then 'User' || (s * 11 % 9) end,
                               case when s <= 3 then array['billing']
                                    when s <= 2403 then case when s % 2 = 0 then array['provider'] else array['billing'] end
                                    when s <= 13403 then (cast(:roles as text[]))[1 + s % 4 : 1 + s % 4 + s % 3]
                                    else array['tenant_admin'] end,
                               case when s % 2 = 0 then 'patient' else 'user' end,
                               case when s > 13403 then 'p-bulk' else 'x-' || (s * 13 % 40) end,
                               null,
                               case when s > 13403 then '127.0.0.1'
                                    when s % 97 = 0 then 'unknown'
                                    when s % 89 = 0 then '2001:db8::' || (s % 7)
                                    else '10.' || (s * 3 % 4) || '.' || (s * 17 % 256) || '.' || (s % 250) end,
                               case when s % 3 = 0 then jsonb_build_object('recordedBy', 'app') else '{}'::jsonb end
                        from generate_series(1, 14403) s""")
                .param("tenant", tenant).param("base", base).param("bulk", BULK_ACTOR)
                .param("actions", ACTIONS.toArray(String[]::new)).param("roles", ROLES.toArray(String[]::new))
                .update();
        jdbc.sql("update audit_sequences set last_seq = :base + 14403, last_at = now() + interval '15 seconds'"
                + " where tenant_id = :tenant").param("tenant", tenant).param("base", base).update();
        jdbc.sql("analyze audit_events").update();
        jdbc.sql("analyze audit_event_roles").update();
        trail = jdbc.sql("""
                        select seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id, ip,
                               details -> 'recordedBy' is not null as recorded
                        from audit_events where tenant_id = :tenant order by seq desc""")
                .param("tenant", tenant)
                .query((rs, n) -> new Row(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getString("action"), rs.getObject("actor_id", UUID.class), rs.getString("actor_username"),
                        roles(rs.getArray("actor_roles")), rs.getString("target_type"), rs.getString("target_id"),
                        rs.getString("ip"), rs.getBoolean("recorded")))
                .list();
        newest = trail.getFirst().seq();
    }

    @Test
    void aPairOfFiltersThatNeverMeetInThousandsOfEventsStillFindsTheOldNeedles() {
        Map<String, String> filter = Map.of("action", "LOGIN_SUCCEEDED", "role", "billing");

        List<Long> found = searchAll(filter, 50);

        assertThat(found).hasSize(3).isEqualTo(expected(filter));
    }

    @Test
    void aRoleBehindABlockOfOneApplicationsEventsIsFoundNewestFirst() {
        for (Map<String, String> filter : List.of(Map.of("role", "billing"), Map.of("action", "USER_UPDATED"),
                Map.of("action", "PATIENT_RECORD_VIEWED", "role", "provider", "ip", "10.0.0.0/8"),
                Map.of("ip", "10.2.0.0/16"), Map.of("ip", "10.0.0.0/8"), Map.of("role", "tenant_admin", "ip", "10.0.0.0/8"))) {
            assertThat(page(filter, newest + 1, 50)).as(filter.toString()).isEqualTo(first(expected(filter), 50));
        }
    }

    @Test
    void everyCombinationOfFiltersAnswersWhatTheFiltersSay() {
        Random random = new Random(20261121);
        for (int round = 0; round < 120; round++) {
            Map<String, String> filter = randomFilter(random);
            List<Long> expected = expected(filter);
            int size = List.of(1, 7, 50, 200).get(random.nextInt(4));
            assertThat(page(filter, newest + 1, size)).as("first page of %s", filter).isEqualTo(first(expected, size));
            if (expected.size() > size) {
                long before = expected.get(size - 1);
                assertThat(page(filter, before, size)).as("second page of %s", filter)
                        .isEqualTo(first(expected.subList(size, expected.size()), size));
            }
            long anywhere = trail.get(random.nextInt(trail.size())).seq();
            assertThat(page(filter, anywhere, size)).as("page of %s before %d", filter, anywhere)
                    .isEqualTo(first(expected.stream().filter(seq -> seq < anywhere).toList(), size));
        }
    }

    @Test
    void theRoleIndexFollowsEveryInsertUpdateAndDelete() {
        UUID tenant = UUID.fromString(clinic.id());
        assertThat(rolesOutOfStep(tenant)).isZero();

        jdbc.sql("""
                        do $$ begin
                            perform set_config('gatehouse.audit_purge', 'on', true);
                            update audit_events set actor_roles = array['manager', 'auditor']
                            where tenant_id = '%1$s' and seq %% 10 = 0;
                            update audit_events set seq = seq + 100000 where tenant_id = '%1$s' and seq > %2$d - 50;
                            delete from audit_events where tenant_id = '%1$s' and seq %% 10 = 1;
                        end $$""".formatted(tenant, newest))
                .update();

        assertThat(rolesOutOfStep(tenant)).isZero();
    }

    private long rolesOutOfStep(UUID tenant) {
        return jdbc.sql("""
                        select count(*) from (
                            (select distinct seq, role from audit_events, unnest(actor_roles) as role where tenant_id = :tenant
                             except select seq, role from audit_event_roles where tenant_id = :tenant)
                            union all
                            (select seq, role from audit_event_roles where tenant_id = :tenant
                             except select distinct seq, role from audit_events, unnest(actor_roles) as role
                                    where tenant_id = :tenant)) difference""")
                .param("tenant", tenant).query(Long.class).single();
    }

    private Map<String, String> randomFilter(Random random) {
        Map<String, String> filter = new LinkedHashMap<>();
        List<Runnable> choices = List.of(
                () -> filter.put("actor", random.nextBoolean() ? "user" + random.nextInt(9)
                        : random.nextBoolean() ? BULK_ACTOR.toString() : "00000000-0000-0000-0000-0000000000a" + random.nextInt(3)),
                () -> filter.put("action", random.nextInt(4) == 0 ? ACTIONS.get(random.nextInt(4)) + "," + ACTIONS.get(random.nextInt(4))
                        : ACTIONS.get(random.nextInt(4))),
                () -> filter.put("target", (random.nextBoolean() ? "patient:" : random.nextBoolean() ? "user:" : "")
                        + (random.nextInt(10) == 0 ? "p-bulk" : "x-" + random.nextInt(40))),
                () -> filter.put("resource", "patient:x-" + random.nextInt(40)),
                () -> filter.put("ip", List.of("10.1.17.1", "127.0.0.1", "2001:db8::3", "10.1.0.0/16", "10.3.0.0/16",
                        "10.0.0.0/8", "10.2.34.0/24", "2001:db8::/32", "0.0.0.0/0").get(random.nextInt(9))),
                () -> filter.put("role", random.nextInt(6) == 0 ? "tenant_admin" : ROLES.get(random.nextInt(4))),
                () -> {
                    Row a = trail.get(random.nextInt(trail.size()));
                    Row b = trail.get(random.nextInt(trail.size()));
                    Instant from = a.at().isBefore(b.at()) ? a.at() : b.at();
                    Instant to = a.at().isBefore(b.at()) ? b.at() : a.at();
                    filter.put("from", from.toString());
                    filter.put("to", to.plusMillis(1).toString());
                });
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            choices.get(random.nextInt(choices.size())).run();
        }
        return filter;
    }

    private List<Long> searchAll(Map<String, String> filter, int size) {
        List<Long> all = new ArrayList<>();
        long before = newest + 1;
        while (true) {
            Response found = search(filter, before, size);
            found.body().get("items").forEach(item -> all.add(item.get("seq").asLong()));
            JsonNode next = found.body().get("next");
            if (next == null || next.isNull()) {
                return all;
            }
            before = next.asLong();
        }
    }

    private List<Long> page(Map<String, String> filter, long before, int size) {
        List<Long> seqs = new ArrayList<>();
        search(filter, before, size).body().get("items").forEach(item -> seqs.add(item.get("seq").asLong()));
        return seqs;
    }

    private Response search(Map<String, String> filter, long before, int size) {
        StringBuilder query = new StringBuilder("/audit?size=" + size + "&before=" + before);
        filter.forEach((name, value) -> query.append('&').append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        Response found = api.get(clinic.path(query.toString()), clinic.owner());
        assertThat(found.status()).as(found.raw()).isEqualTo(200);
        return found;
    }

    private List<Long> expected(Map<String, String> filter) {
        Predicate<Row> matches = row -> row.seq() <= newest;
        for (Map.Entry<String, String> entry : filter.entrySet()) {
            String value = entry.getValue();
            matches = matches.and(switch (entry.getKey()) {
                case "actor" -> value.length() == 36
                        ? row -> UUID.fromString(value).equals(row.actorId())
                        : row -> row.actorName() != null && row.actorName().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT));
                case "action" -> row -> Arrays.asList(value.split(",")).contains(row.action());
                case "target" -> value.contains(":")
                        ? row -> value.equals(row.targetType() + ":" + row.targetId())
                        : row -> value.equals(row.targetId());
                case "resource" -> row -> row.recorded() && value.equals(row.targetType() + ":" + row.targetId());
                case "ip" -> row -> within(row.ip(), value);
                case "role" -> row -> row.roles().contains(value);
                case "from" -> row -> !row.at().isBefore(Instant.parse(value));
                case "to" -> row -> row.at().isBefore(Instant.parse(value));
                default -> throw new IllegalArgumentException(entry.getKey());
            });
        }
        return trail.stream().filter(matches).map(Row::seq).toList();
    }

    private static List<Long> first(List<Long> seqs, int size) {
        return seqs.subList(0, Math.min(size, seqs.size()));
    }

    /** Whether the stored address is the given address, or inside the given CIDR range. */
    private static boolean within(@Nullable String stored, String wanted) {
        if (stored == null || !stored.matches("[0-9a-f.:]+")) {
            return false;
        }
        try {
            byte[] address = InetAddress.getByName(stored).getAddress();
            int slash = wanted.indexOf('/');
            byte[] network = InetAddress.getByName(slash < 0 ? wanted : wanted.substring(0, slash)).getAddress();
            int bits = slash < 0 ? network.length * 8 : Integer.parseInt(wanted.substring(slash + 1));
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static List<String> roles(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
