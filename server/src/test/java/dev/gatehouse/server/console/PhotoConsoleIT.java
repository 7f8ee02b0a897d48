package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The user page's "Photo" section over plain HTTP: a multipart upload that carries its CSRF token
 * in the form, the photo served under the console session, a non-image refused beside the field,
 * Remove, and the read-only view of someone who may read users but not edit them.
 */
class PhotoConsoleIT extends IntegrationTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant tenant;
    private ConsoleClient admin;
    private UUID provider;
    private String page;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        admin = new ConsoleClient(port());
        admin.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        provider = UUID.fromString(TestMembers.member("drlee").holding("provider").create(api, tenant).id());
        page = "/console/users/" + provider;
    }

    @Test
    void aPhotoUploadedFromTheUserPageIsShownServedAndRemoved() {
        assertThat(admin.get(page).body()).contains("id=\"photo-heading\"").contains("No photo.")
                .contains("enctype=\"multipart/form-data\"").contains("accept=\"image/png,image/jpeg\"");

        HttpResponse<String> uploaded = admin.postMultipart(page + "/photo", Map.of("_csrf", admin.csrf()), "photo",
                "me.png", "image/png", PNG);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(302);
        assertThat(uploaded.headers().firstValue("Location").orElseThrow()).endsWith(page + "?photoSaved#photo");

        String shown = admin.get(page).body();
        assertThat(shown).contains("src=\"" + page + "/photo\"").contains("Remove photo")
                .doesNotContain("No photo.");
        HttpResponse<byte[]> image = admin.getBytes(page + "/photo");
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(PNG);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(image.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "USER_PHOTO_CHANGED")).hasSize(1);

        HttpResponse<String> removed = admin.post(page + "/photo/remove", Map.of());
        assertThat(removed.statusCode()).isEqualTo(302);
        assertThat(admin.get(page).body()).contains("No photo.");
        assertThat(admin.get(page + "/photo").statusCode()).isEqualTo(404);
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "USER_PHOTO_REMOVED")).hasSize(1);
    }

    @Test
    void aNonImageComesBackWithTheErrorBesideTheFieldAndAnUploadWithoutTokenIsRefused() {
        admin.get(page);
        HttpResponse<String> refused = admin.postMultipart(page + "/photo", Map.of("_csrf", admin.csrf()), "photo",
                "notes.png", "image/png", "just some text".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"photo-error\"").contains("is not a PNG image")
                .contains("aria-describedby=\"photo-error\"");

        HttpResponse<String> big = admin.postMultipart(page + "/photo", Map.of("_csrf", admin.csrf()), "photo",
                "big.png", "image/png", Arrays.copyOf(PNG, 600 * 1024));
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("id=\"photo-error\"").contains("must be at most 512 KB");
        HttpResponse<String> large = admin.postMultipart(page + "/photo", Map.of("_csrf", admin.csrf()), "photo",
                "camera.png", "image/png", Arrays.copyOf(PNG, 5 * 1024 * 1024));
        assertThat(large.statusCode()).as("a camera-sized photo gets the field error").isEqualTo(400);
        assertThat(large.body()).contains("id=\"photo-error\"").contains("must be at most 512 KB");

        HttpResponse<String> noToken = admin.postMultipart(page + "/photo", Map.of(), "photo", "me.png", "image/png", PNG);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(api.get(tenant.path("/users/" + provider + "/photo"), tenant.adminToken()).status()).isEqualTo(404);
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "USER_PHOTO_CHANGED")).isEmpty();
    }

    @Test
    void someoneWhoMayOnlyReadUsersSeesThePhotoWithoutAnythingToChangeAndCannotPostIt() {
        admin.get(page);
        admin.postMultipart(page + "/photo", Map.of("_csrf", admin.csrf()), "photo", "me.png", "image/png", PNG);
        Response role = api.post(tenant.path("/roles"), tenant.adminToken(), json("key", "reader", "name", "Reader",
                "grants", raw("[{\"permission\": \"users.read\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member member = TestMembers.member("reader").holding("reader").create(api, tenant);
        ConsoleClient reader = new ConsoleClient(port());
        reader.signIn(tenant.slug(), member.username(), member.password());

        String shown = reader.get(page).body();
        assertThat(shown).contains("src=\"" + page + "/photo\"").doesNotContain("Upload photo").doesNotContain("Remove photo");
        assertThat(reader.getBytes(page + "/photo").body()).isEqualTo(PNG);
        HttpResponse<String> refused = reader.postMultipart(page + "/photo", Map.of("_csrf", reader.csrf()), "photo", "x.png",
                "image/png", PNG);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(reader.post(page + "/photo/remove", Map.of()).statusCode()).isEqualTo(403);
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "USER_PHOTO_CHANGED")).hasSize(1);
    }
}
