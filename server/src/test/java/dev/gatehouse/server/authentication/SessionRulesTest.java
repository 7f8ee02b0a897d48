package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.settings.SettingsDocument;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a tenant's settings and a user's roles turn into their idle timeout and network rules. */
class SessionRulesTest {

    private static final String SETTINGS = """
            {"sessionPolicy": {"idleMinutes": 30, "maxHours": 8, "maxConcurrent": 2, "onLimit": "REFUSE",
                               "idleMinutesByRole": {"front_desk": 5, "billing": 10, "provider": 45}},
             "ipAllowlist": ["10.0.0.0/8", "2001:db8::/32", "192.168.1.7/32"],
             "ipAllowlistByRole": {"billing": ["10.1.0.0/16"], "front_desk": []}}
            """;

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
            roles            | address              | allowed | why
            provider         | 10.200.3.4           | true    | inside the tenant's 10/8
            provider         | 11.0.0.1             | false   | outside every tenant range
            provider         | 192.168.1.7          | true    | a single host
            provider         | 192.168.1.8          | false   | next to the single host
            provider         | 2001:db8:1::5        | true    | inside the IPv6 range
            provider         | 2001:db9::1          | false   | outside the IPv6 range
            provider         | ::ffff:10.0.0.9      | true    | an IPv4-mapped IPv6 address is the IPv4 one
            provider         | example.com          | false   | a name is never resolved, so never admitted
            billing          | 10.1.2.3             | true    | inside both the tenant's and the role's ranges
            billing          | 10.2.0.1             | false   | inside the tenant's, outside the role's
            billing;provider | 10.2.0.1             | false   | another role does not widen the billing rule
            front_desk       | 10.2.0.1             | true    | an empty role list adds no rule
            """)
    void admitsAnAddressOnlyWhenEveryRuleDoes(String roles, String address, boolean allowed, String why) {
        assertThat(SessionRules.of(SettingsDocument.parse(SETTINGS), List.of(roles.split(";"))).allows(address)).as(why).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
            address           | allowed | why
            10.20.0.1         | true    | inside the IPv4 range the mapped range carries
            ::ffff:10.20.9.9  | true    | the same, written as an IPv4-mapped address
            10.21.0.1         | false   | outside it
            """)
    void readsAnIpv4MappedRangeSavedBeforeTheyWereStoredAsIpv4(String address, boolean allowed, String why) {
        String settings = """
                {"ipAllowlist": ["::ffff:10.20.0.0/112"]}
                """;
        assertThat(SessionRules.of(SettingsDocument.parse(settings), List.of()).allows(address)).as(why).isEqualTo(allowed);
    }

    @Test
    void theShortestIdleTimeoutAmongHeldRolesApplies() {
        assertThat(SessionRules.of(SettingsDocument.parse(SETTINGS), List.of("provider")).idle()).isEqualTo(Duration.ofMinutes(45));
        assertThat(SessionRules.of(SettingsDocument.parse(SETTINGS), List.of("provider", "billing", "front_desk")).idle())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(SessionRules.of(SettingsDocument.parse(SETTINGS), List.of("manager")).idle()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void withoutSettingsTheDefaultsApplyAndEveryAddressIsAdmitted() {
        SessionRules rules = SessionRules.of(SettingsDocument.parse("{}"), List.of("owner"));
        assertThat(rules.idle()).isEqualTo(Duration.ofMinutes(30));
        assertThat(rules.maxHours()).isEqualTo(12);
        assertThat(rules.maxConcurrent()).isNull();
        assertThat(rules.refuseOverLimit()).isFalse();
        assertThat(rules.allows("203.0.113.9")).isTrue();
        assertThat(SessionRules.of(SettingsDocument.parse(SETTINGS), List.of()).refuseOverLimit()).isTrue();
    }

    /**
     * A tenant without network rules admits every address whoever asks, so a credential's check skips its owner's
     * roles ({@code CredentialNetworks#permits}); a role's list counts, even when no one holds the role, an empty one
     * does not. For every role set and address, "no rule" must agree with what the rules built for them say.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                               | false
            {"ipAllowlistByRole": {"front_desk": []}}                        | false
            {"ipAllowlistByRole": {"front_desk": [], "billing": ["10.1.0.0/16"]}} | true
            {"ipAllowlist": ["10.0.0.0/8"]}                                  | true
            """)
    void aTenantHasANetworkRuleOnlyWhenARangeIsListedForSomeone(String settings, boolean any) {
        assertThat(SessionRules.anyNetworkRule(SettingsDocument.parse(settings))).isEqualTo(any);
        if (!any) {
            for (List<String> roles : List.of(List.<String>of(), List.of("front_desk"), List.of("billing", "owner"))) {
                for (String address : new String[] {"203.0.113.9", "10.1.2.3", "2001:db8::1", "example.com"}) {
                    assertThat(SessionRules.of(SettingsDocument.parse(settings), roles).allows(address))
                            .as("%s from %s", roles, address).isTrue();
                }
            }
        }
    }
}
