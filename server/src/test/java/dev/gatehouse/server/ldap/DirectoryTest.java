package dev.gatehouse.server.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.outbound.OutboundGuard;
import dev.gatehouse.server.testing.TestDns;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LDAP client against UnboundID's in-memory directory, without Spring or a database: people and
 * their groups, AD's attributes, the escaped search by username, binds as a person, and every
 * connection through the outbound guard.
 */
class DirectoryTest {

    private static TestDirectory directory;

    private static final OutboundGuard ALLOWING_THE_TEST_HOST = new OutboundGuard(DirectoryTest::resolve,
            TestDns.RECEIVER);
    private static final OutboundGuard OPERATOR_ALLOWING_NOTHING = new OutboundGuard(DirectoryTest::resolve, "");

    private final Directory reader = new Directory(ALLOWING_THE_TEST_HOST, Duration.ofSeconds(5));

    @BeforeAll
    static void start() {
        directory = TestDirectory.started();
        directory.person("alice", "Alice", "Anders", "alice@clinic.test", "alice's directory password", "nurses");
        directory.person("bob", "Bob", "Brown", "bob@clinic.test", "bob's directory password", "nurses", "doctors");
        directory.person("carol", "Carol", "Chen", "carol@clinic.test", "carol's directory password");
        // A user whose name is a filter: a search by "*" must find exactly no one but them.
        directory.person("star*", "Star", "Name", "star@clinic.test", "the star's password");
        directory.adPerson("Dora Diaz", "ddiaz", guid(), 512, "dora's directory password", "nurses");
        directory.adPerson("Evan Ellis", "eellis", new byte[16], 514, "evan's directory password");
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    @Test
    void readsPeopleWithTheirNamesAndMemberOfGroups() throws DirectoryFailure {
        List<DirectoryEntry> people = reader.people(openLdap(null));

        DirectoryEntry bob = people.stream().filter(p -> "bob".equals(p.username())).findFirst().orElseThrow();
        assertThat(bob.dn()).isEqualToIgnoringCase(TestDirectory.dnOf("bob"));
        assertThat(bob.email()).isEqualTo("bob@clinic.test");
        assertThat(bob.firstName()).isEqualTo("Bob");
        assertThat(bob.lastName()).isEqualTo("Brown");
        assertThat(bob.groups()).contains("nurses", "doctors", TestDirectory.groupDn("doctors"));
        assertThat(bob.disabled()).isFalse();
        // entryUUID: survives a rename
        assertThat(bob.subject()).matches("[0-9a-f-]{36}");
        assertThat(people).extracting(DirectoryEntry::username).contains("alice", "bob", "carol", "star*");
    }

    @Test
    void readsGroupsFromAGroupSearchWhenThePersonDoesNotListThem() throws DirectoryFailure {
        List<DirectoryEntry> people = reader.people(openLdap(TestDirectory.GROUPS));

        DirectoryEntry bob = people.stream().filter(p -> "bob".equals(p.username())).findFirst().orElseThrow();
        assertThat(bob.groups()).contains("nurses", "doctors");
        DirectoryEntry carol = people.stream().filter(p -> "carol".equals(p.username())).findFirst().orElseThrow();
        assertThat(carol.groups()).isEmpty();
    }

    @Test
    void readsActiveDirectoryAttributes() throws DirectoryFailure {
        DirectorySettings ad = new DirectorySettings(directory.url(), TestDirectory.SERVICE_DN,
                TestDirectory.SERVICE_PASSWORD, TestDirectory.PEOPLE, "(objectClass=user)", "sAMAccountName",
                "userPrincipalName", "givenName", "sn", "memberOf", null, DirectorySettings.DEFAULT_GROUP_FILTER,
                "userAccountControl", 0, true, false);

        List<DirectoryEntry> people = reader.people(ad);

        assertThat(people).extracting(DirectoryEntry::username).containsExactlyInAnyOrder("ddiaz", "eellis");
        DirectoryEntry dora = people.stream().filter(p -> "ddiaz".equals(p.username())).findFirst().orElseThrow();
        // objectGUID's first three fields are little-endian on the wire
        assertThat(dora.subject()).isEqualTo("33221100-5544-7766-8899-aabbccddeeff");
        assertThat(dora.email()).isEqualTo("ddiaz@clinic.test");
        assertThat(dora.groups()).contains("nurses");
        assertThat(dora.disabled()).isFalse();
        // 514 = NORMAL_ACCOUNT | ACCOUNTDISABLE
        assertThat(people.stream().filter(p -> "eellis".equals(p.username())).findFirst().orElseThrow().disabled())
                .isTrue();
    }

    @Test
    void findsAPersonByTheirUsername() throws DirectoryFailure {
        assertThat(reader.person(openLdap(null), "alice")).get().extracting(DirectoryEntry::dn, DirectoryEntry::email)
                .containsExactly(TestDirectory.dnOf("alice"), "alice@clinic.test");
        assertThat(reader.person(openLdap(null), "nobody")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "al*", "alice)(uid=*", "*)(|(uid=*", "alice)(|(objectClass=*)", "\\2a", "a\u0000"})
    void aUsernameIsMatchedAsItselfNeverAsAFilter(String injected) throws DirectoryFailure {
        assertThat(reader.person(openLdap(null), injected)).isEmpty();
    }

    @Test
    void aUsernameWithFilterCharactersFindsExactlyThatPerson() throws DirectoryFailure {
        assertThat(reader.person(openLdap(null), "star*")).get().extracting(DirectoryEntry::email)
                .isEqualTo("star@clinic.test");
    }

    @Test
    void bindsAsThePersonWithTheirPasswordOnly() throws DirectoryFailure {
        DirectorySettings settings = openLdap(null);
        assertThat(reader.binds(settings, TestDirectory.dnOf("alice"), "alice's directory password")).isTrue();
        assertThat(reader.binds(settings, TestDirectory.dnOf("alice"), "bob's directory password")).isFalse();
        // an unauthenticated bind (RFC 4513 §5.1.2) is not a proof
        assertThat(reader.binds(settings, TestDirectory.dnOf("alice"), "")).isFalse();
    }

    @Test
    void aRefusedServiceAccountNamesTheBindDn() {
        DirectorySettings wrong = withPassword(openLdap(null), "not the sync password");
        assertThatThrownBy(() -> reader.check(wrong)).isInstanceOf(DirectoryFailure.class)
                .extracting(e -> ((DirectoryFailure) e).field()).isEqualTo("config.bindDn");
    }

    @Test
    void aMissingBaseNamesTheUserBaseDn() {
        DirectorySettings settings = openLdap(null);
        DirectorySettings missing = new DirectorySettings(settings.url(), settings.bindDn(), settings.bindPassword(),
                "ou=nowhere," + TestDirectory.BASE, settings.userFilter(), "uid", null, null, null, null, null,
                DirectorySettings.DEFAULT_GROUP_FILTER, null, 0, false, false);
        assertThatThrownBy(() -> reader.check(missing)).isInstanceOf(DirectoryFailure.class)
                .extracting(e -> ((DirectoryFailure) e).field()).isEqualTo("config.userBaseDn");
    }

    @Test
    void loopbackIsRefusedUnlessTheOperatorAllowsIt() {
        Directory strict = new Directory(OPERATOR_ALLOWING_NOTHING, Duration.ofSeconds(5));
        assertThatThrownBy(() -> strict.check(openLdap(null))).isInstanceOf(DirectoryFailure.class)
                .hasMessageContaining("loopback").extracting(e -> ((DirectoryFailure) e).field())
                .isEqualTo("config.url");
        DirectorySettings byAddress = new DirectorySettings(directory.url("127.0.0.1"), TestDirectory.SERVICE_DN,
                TestDirectory.SERVICE_PASSWORD, TestDirectory.PEOPLE, "(objectClass=person)", "uid", null, null, null,
                null, null, DirectorySettings.DEFAULT_GROUP_FILTER, null, 0, false, false);
        assertThatThrownBy(() -> reader.check(byAddress)).isInstanceOf(DirectoryFailure.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void aPlainConnectionGoesOnlyToAHostTheOperatorAllows() throws Exception {
        // a public directory: only over TLS, since the bind password would cross the network in the clear
        assertThatThrownBy(() -> reader.destination("ldap://dc1.example.org", false))
                .hasMessageContaining("ldaps");
        assertThat(reader.destination("ldaps://dc1.example.org", false).port()).isEqualTo(636);
        assertThat(reader.destination("ldap://dc1.example.org", true).port()).isEqualTo(389);
    }

    @Test
    void aDirectoryThatIsDownIsAFailureOfTheUrl() {
        directory.stop();
        try {
            assertThatThrownBy(() -> reader.people(openLdap(null))).isInstanceOf(DirectoryFailure.class)
                    .extracting(e -> ((DirectoryFailure) e).field()).isEqualTo("config.url");
            assertThatThrownBy(() -> reader.binds(openLdap(null), TestDirectory.dnOf("alice"),
                    "alice's directory password")).isInstanceOf(DirectoryFailure.class);
        } finally {
            directory.start();
        }
    }

    static DirectorySettings openLdap(@Nullable String groupBaseDn) {
        return new DirectorySettings(directory.url(), TestDirectory.SERVICE_DN, TestDirectory.SERVICE_PASSWORD,
                TestDirectory.PEOPLE, "(objectClass=person)", "uid", "mail", "givenName", "sn",
                groupBaseDn == null ? "memberOf" : null, groupBaseDn, DirectorySettings.DEFAULT_GROUP_FILTER, null, 0,
                true, false);
    }

    private static DirectorySettings withPassword(DirectorySettings s, String password) {
        return new DirectorySettings(s.url(), s.bindDn(), password, s.userBaseDn(), s.userFilter(),
                s.usernameAttribute(), s.emailAttribute(), s.firstNameAttribute(), s.lastNameAttribute(),
                s.groupAttribute(), s.groupBaseDn(), s.groupFilter(), s.disabledAttribute(), s.syncIntervalMinutes(),
                s.passwordSignIn(), s.startTls());
    }

    private static byte[] guid() {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) (i * 0x11);
        }
        return bytes;
    }

    private static List<InetAddress> resolve(String host) throws UnknownHostException {
        return switch (host) {
            case TestDns.RECEIVER -> List.of(InetAddress.getByName("127.0.0.1"));
            case "dc1.example.org" -> List.of(InetAddress.getByName("93.184.215.14"));
            default -> throw new UnknownHostException(host);
        };
    }

}
