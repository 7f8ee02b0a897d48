package dev.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NOTIFY payload of an access change (issue 14): what one node writes, every node reads back with
 * its version; anything else is not understood, and the listener then assumes anything changed.
 */
class AccessChangeTest {

    private static final TenantId TENANT = new TenantId(UUID.fromString("7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10"));
    private static final UUID USER = UUID.fromString("0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b");

    @Test
    void everyKindReadsBackAsWritten() {
        for (AccessChange change : new AccessChange[] {
            new AccessChange(41, TENANT, AccessChange.Kind.POLICY, null),
            new AccessChange(42, TENANT, AccessChange.Kind.SUBJECT, USER),
            new AccessChange(43, TENANT, AccessChange.Kind.SUBJECT, USER, true),
            new AccessChange(Long.MAX_VALUE, TENANT, AccessChange.Kind.RELATIONS, USER)}) {
            assertThat(AccessChangeListener.parse(change.payload())).as(change.payload()).isEqualTo(change);
        }
    }

    /** Issue 17: a creation says so to the nodes, and is the user's change for the log and the streams. */
    @Test
    void aCreatedUserIsAnnouncedAsCreatedAndReadBackAsASubjectChange() {
        AccessChange created = new AccessChange(43, TENANT, AccessChange.Kind.SUBJECT, USER, true);

        assertThat(created.payload()).isEqualTo("CREATED:" + TENANT + ":" + USER + ":43");
        AccessChange heard = AccessChangeListener.parse(created.payload());
        assertThat(heard).isNotNull();
        assertThat(heard.kind()).isEqualTo(AccessChange.Kind.SUBJECT);
        assertThat(heard.created()).isTrue();
        assertThat(AccessChangeListener.parse(new AccessChange(43, TENANT, AccessChange.Kind.SUBJECT, USER).payload())
                .created()).as("a plain change of the user").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "policy:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10",
        "POLICY:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:-",
        "POLICY:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b:5",
        "SUBJECT:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:-:5",
        "SUBJECT:not-a-tenant:0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b:5",
        "RELATIONS:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b:five",
        "ROLES:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:-:5",
        "CREATED:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:-:5",
        "created:7d8f1c0e-0b57-4d5e-9a57-1c3f0f1b2a10:0f7e6d5c-4b3a-4291-8a7b-6c5d4e3f2a1b:5"})
    void anythingElseIsNotUnderstood(String payload) {
        assertThat(AccessChangeListener.parse(payload)).isNull();
    }
}
