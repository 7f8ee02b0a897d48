package dev.gatehouse.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The last-admin rule's two questions, as tables; the refusals over HTTP are in UserLifecycleIT and UserRolesIT. */
class LastAdministratorTest {

    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            # active administrators | the user leaving | last? | why
            ann                     | ann              | true  | the only one left: locking, disabling or deleting her leaves none
            ann bob                 | ann              | false | bob stays an administrator
            bob                     | ann              | false | ann is no administrator; bob stays
            ''                      | ann              | false | none active already (all locked): nothing this change takes away
            """)
    void theLastIsTheOnlyActiveAdministratorLeft(String administrators, String user, boolean last, String why) {
        List<UUID> ids = Arrays.stream(administrators.split(" ")).filter(name -> !name.isEmpty())
                .map(LastAdministratorTest::id).toList();
        assertThat(LastAdministrator.isLast(ids, id(user))).as(why).isEqualTo(last);
    }

    @ParameterizedTest(name = "{5}")
    @CsvSource(delimiter = '|', textBlock = """
            # role         | location | starts                | expires               | administrator? | why
            TENANT_ADMIN   |          |                       |                       | true           | the admin role tenant-wide, open-ended
            TENANT_ADMIN   |          | 2026-03-01T00:00:00Z  | 2026-03-03T00:00:00Z  | true           | within its window
            TENANT_ADMIN   | loc-a    |                       |                       | false          | held at one location only
            TENANT_ADMIN   |          |                       | 2026-03-02T08:00:00Z  | false          | expired this very instant
            TENANT_ADMIN   |          | 2026-03-05T00:00:00Z  |                       | false          | not started yet
            FRONT_DESK     |          |                       |                       | false          | another role
            """)
    void anAdministratorHoldsTheAdminRoleTenantWideNow(String role, @Nullable String location,
            @Nullable Instant starts, @Nullable Instant expires, boolean administrator, String why) {
        UserAssignments.Held held = new UserAssignments.Held(UUID.randomUUID(), id("ann"), role, location, starts,
                expires, "DIRECT", null, NOW.minusSeconds(86_400));
        assertThat(LastAdministrator.makesAdministrator("TENANT_ADMIN", held, NOW)).as(why).isEqualTo(administrator);
    }

    private static UUID id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
