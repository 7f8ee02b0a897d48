package dev.gatehouse.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SettingsInheritanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<SettingsInheritance.Layer> lineage(String own, String parent, String root) {
        return List.of(new SettingsInheritance.Layer("child", own), new SettingsInheritance.Layer("parent", parent),
                new SettingsInheritance.Layer("root", root));
    }

    @Test
    void theNearestLayerWinsFieldByFieldAndTheDefaultsFillTheRest() {
        var layers = lineage("{\"lockoutPolicy\": {\"maxFailures\": 3}}", "{\"passwordPolicy\": {\"minLength\": 20}}",
                "{\"passwordPolicy\": {\"minLength\": 25, \"requireDigit\": true}, \"lockoutPolicy\": {\"maxFailures\": 7}}");

        TenantSettings settings = SettingsInheritance.effectiveSettings(layers);

        assertThat(settings.passwordPolicy().minLength()).isEqualTo(20);
        assertThat(settings.passwordPolicy().requireDigit()).isTrue();
        assertThat(settings.lockoutPolicy().maxFailures()).isEqualTo(3);
        assertThat(settings.lockoutPolicy().lockMinutes()).isEqualTo(15);
        var origins = SettingsInheritance.origins(layers);
        assertThat(origins).containsEntry("passwordPolicy.minLength", "parent")
                .containsEntry("passwordPolicy.requireDigit", "root")
                .containsEntry("lockoutPolicy.maxFailures", "own")
                .containsEntry("lockoutPolicy.lockMinutes", "default");
    }

    @Test
    void aChildStoresOnlyWhatItHadAndWhatThePatchNamesCheckedOnTheEffectiveDocument() {
        String inherited = SettingsInheritance.effectiveJson(List.of(new SettingsInheritance.Layer("p",
                "{\"passwordPolicy\": {\"minLength\": 20}}")));
        JsonNode patch = JSON.readTree("{\"sessionPolicy\": {\"idleMinutes\": 20}}");

        SettingsDocument.Patched patched = SettingsInheritance.patch("{\"lockoutPolicy\": {\"maxFailures\": 3}}",
                inherited, patch, role -> false);

        assertThat(JSON.readTree(patched.json())).isEqualTo(JSON.readTree(
                "{\"lockoutPolicy\": {\"maxFailures\": 3}, \"sessionPolicy\": {\"idleMinutes\": 20}}"));
        assertThat(patched.settings().passwordPolicy().minLength()).isEqualTo(20);
        assertThat(patched.after()).containsOnlyKeys("sessionPolicy.idleMinutes");
        assertThatThrownBy(() -> SettingsInheritance.patch("{}", inherited,
                JSON.readTree("{\"passwordPolicy\": {\"minLength\": 3}}"), role -> false))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void returningToInheritedDropsTheOwnValueAndItsEmptiedSection() {
        String inherited = SettingsInheritance.effectiveJson(List.of(new SettingsInheritance.Layer("p",
                "{\"passwordPolicy\": {\"minLength\": 20}}")));

        SettingsDocument.Patched patched = SettingsInheritance.inherit(
                "{\"passwordPolicy\": {\"minLength\": 12}, \"lockoutPolicy\": {\"maxFailures\": 3}}", inherited,
                "passwordPolicy.minLength");

        assertThat(JSON.readTree(patched.json())).isEqualTo(JSON.readTree("{\"lockoutPolicy\": {\"maxFailures\": 3}}"));
        assertThat(patched.settings().passwordPolicy().minLength()).isEqualTo(20);
        assertThat(patched.before()).containsOnlyKeys("passwordPolicy.minLength");
        assertThat(SettingsInheritance.inherit(patched.json(), inherited, "*").json()).isEqualTo("{}");
        assertThatThrownBy(() -> SettingsInheritance.inherit("{}", inherited, "passwordPolicy.colour"))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void aTenantWithoutAParentKeepsItsWholeDocument() {
        SettingsDocument.Patched patched = SettingsInheritance.patch(SettingsDocument.defaultsJson(), null,
                JSON.readTree("{\"lockoutPolicy\": {\"maxFailures\": 3}}"), role -> false);

        JsonNode stored = JSON.readTree(patched.json());
        assertThat(stored.at("/passwordPolicy/minLength").asInt()).isEqualTo(15);
        assertThat(stored.at("/lockoutPolicy/maxFailures").asInt()).isEqualTo(3);
    }
}
