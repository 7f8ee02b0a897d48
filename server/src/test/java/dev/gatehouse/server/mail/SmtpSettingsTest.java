package dev.gatehouse.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The environment wins over saved values field by field; without a host anywhere nothing is sent. */
class SmtpSettingsTest {

    private static final SmtpStore.Saved SAVED = new SmtpStore.Saved("saved.example", 2525, SmtpSettings.Tls.TLS,
            "saved-user", "saved-password", "saved@example.org");

    @Test
    void eachValueSetInTheEnvironmentWinsAndTheRestComeFromTheSavedSettings() {
        SmtpSettings.Environment environment = new SmtpSettings.Environment("env.example", null, SmtpSettings.Tls.NONE,
                null, "env-password", null);

        SmtpSettings.Server server = SmtpSettings.resolve(environment, SAVED).orElseThrow();

        assertThat(server).isEqualTo(new SmtpSettings.Server("env.example", 2525, SmtpSettings.Tls.NONE, "saved-user",
                "env-password", "saved@example.org"));
        assertThat(environment.fields()).containsExactly("host", "tls", "password");
    }

    @Test
    void withoutAHostAnywhereNoServerIsConfiguredAndDefaultsFillTheRest() {
        SmtpSettings.Environment none = new SmtpSettings.Environment(null, null, null, null, null, null);

        assertThat(SmtpSettings.resolve(none, SmtpStore.Saved.NONE)).isEmpty();
        assertThat(SmtpSettings.resolve(none, new SmtpStore.Saved("relay.example", null, null, null, null, null)))
                .contains(new SmtpSettings.Server("relay.example", SmtpSettings.DEFAULT_PORT, SmtpSettings.Tls.STARTTLS,
                        null, null, SmtpSettings.DEFAULT_FROM));
    }
}
