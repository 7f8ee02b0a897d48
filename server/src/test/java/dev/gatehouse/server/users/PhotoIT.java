package dev.gatehouse.server.users;

import static dev.gatehouse.server.users.UserFixtures.role;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.TestMembers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A provider's profile photo over HTTP (seed 000, "Creating a Provider"): raw PNG/JPEG bodies, checked and audited. */
class PhotoIT extends IntegrationTest {

    static final byte[] PNG = image(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 200);
    static final byte[] JPEG = image(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0}, 300);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    @Test
    void anAdminPutsReadsReplacesAndRemovesAPhotoWithEachChangeAudited() throws Exception {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String provider = fixtures.user(clinic, "drlee", "[" + role("provider") + "]");
        String photo = clinic.user(provider) + "/photo";

        assertThat(api.get(photo, clinic.owner()).status()).isEqualTo(404);

        Response put = put(photo, clinic.owner(), "image/png", PNG);
        assertThat(put.status()).as(put.raw()).isEqualTo(204);
        HttpResponse<byte[]> read = download(photo, clinic.owner());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(PNG);
        assertThat(read.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(read.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(read.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store").contains("private");
        assertThat(read.headers().firstValue("Content-Disposition")).hasValue("inline");

        assertThat(put(photo, clinic.owner(), "image/jpeg", JPEG).status()).isEqualTo(204);
        HttpResponse<byte[]> replaced = download(photo, clinic.owner());
        assertThat(replaced.body()).isEqualTo(JPEG);
        assertThat(replaced.headers().firstValue("Content-Type")).hasValue("image/jpeg");

        List<RecordedAudit.Event> changed = RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_CHANGED");
        assertThat(changed).hasSize(2);
        assertThat(changed).allSatisfy(e -> assertThat(e.targetId()).isEqualTo(provider));
        assertThat(changed).extracting(e -> e.details().at("/contentType").asString())
                .containsExactlyInAnyOrder("image/png", "image/jpeg");
        assertThat(changed).extracting(e -> e.details().at("/size").asInt()).containsExactlyInAnyOrder(PNG.length, JPEG.length);
        assertThat(changed).allSatisfy(e -> assertThat(e.details().propertyNames()).containsExactlyInAnyOrder("contentType", "size"));

        Response removed = api.delete(photo, clinic.owner());
        assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
        assertThat(api.get(photo, clinic.owner()).status()).isEqualTo(404);
        List<RecordedAudit.Event> removals = RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_REMOVED");
        assertThat(removals).hasSize(1);
        assertThat(removals.getFirst().details().at("/contentType").asString()).isEqualTo("image/jpeg");
        assertThat(removals.getFirst().details().at("/size").asInt()).isEqualTo(JPEG.length);

        assertThat(api.delete(photo, clinic.owner()).status()).isEqualTo(204);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_REMOVED")).hasSize(1);
    }

    @Test
    void tooBigWrongMagicAndMismatchedTypeAreEach400OnPhotoAndSaveNothing() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String provider = fixtures.user(clinic, "drkim", "[" + role("provider") + "]");
        String photo = clinic.user(provider) + "/photo";
        byte[] justRight = image(PNG, UserPhotos.MAX_BYTES);
        byte[] tooBig = image(PNG, UserPhotos.MAX_BYTES + 1);
        byte[] gif = image("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 100);

        record Case(String type, byte[] body) {}
        List<Case> refused = List.of(new Case("image/png", tooBig), new Case("image/png", gif),
                new Case("image/gif", gif), new Case("image/png", JPEG), new Case("image/jpeg", PNG),
                new Case("text/html", "<script>alert(1)</script>".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new Case("image/png", new byte[0]));
        for (Case c : refused) {
            Response response = put(photo, clinic.owner(), c.type(), c.body());
            assertThat(response.status()).as(c.type() + " " + c.body().length + " -> " + response.raw()).isEqualTo(400);
            assertThat(response.body().at("/errors").findValuesAsString("field")).containsExactly("photo");
        }
        assertThat(api.get(photo, clinic.owner()).status()).isEqualTo(404);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_CHANGED")).isEmpty();

        assertThat(put(photo, clinic.owner(), "image/png", justRight).status()).isEqualTo(204);
    }

    @Test
    void frontDeskNeitherReadsNorChangesAndAManagerChangesOnlyTheirOwnLocationsStaff() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        String here = fixtures.user(clinic, "drhere", "[" + roleAt("provider", downtown) + "]");
        String there = fixtures.user(clinic, "drthere", "[" + roleAt("provider", uptown) + "]");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + roleAt("manager", downtown) + "]");
        assertThat(put(clinic.user(here) + "/photo", clinic.owner(), "image/png", PNG).status()).isEqualTo(204);

        assertThat(api.get(clinic.user(here) + "/photo", desk.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.user(here) + "/photo", manager.token()).status()).isEqualTo(200);
        Response deskPut = put(clinic.user(here) + "/photo", desk.token(), "image/png", PNG);
        assertThat(deskPut.status()).as(deskPut.raw()).isEqualTo(403);
        assertThat(api.delete(clinic.user(here) + "/photo", desk.token()).status()).isEqualTo(403);

        assertThat(put(clinic.user(here) + "/photo", manager.token(), "image/jpeg", JPEG).status()).isEqualTo(204);
        Response elsewhere = put(clinic.user(there) + "/photo", manager.token(), "image/png", PNG);
        assertThat(elsewhere.status()).as(elsewhere.raw()).isEqualTo(403);
        assertThat(elsewhere.text("/detail")).contains("users.edit");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_CHANGED")).hasSize(2);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_PHOTO_REMOVED")).isEmpty();
    }

    @Test
    void anotherTenantsUserIsNotFound() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        UserFixtures.Tenant other = fixtures.clinic();
        String stranger = fixtures.user(other, "drfar", "[" + role("provider") + "]");
        assertThat(put(other.user(stranger) + "/photo", other.owner(), "image/png", PNG).status()).isEqualTo(204);

        assertThat(api.get(clinic.user(stranger) + "/photo", clinic.owner()).status()).isEqualTo(404);
        assertThat(put(clinic.user(stranger) + "/photo", clinic.owner(), "image/png", PNG).status()).isEqualTo(404);
        assertThat(api.delete(clinic.user(stranger) + "/photo", clinic.owner()).status()).isEqualTo(404);
        assertThat(api.get(other.user(stranger) + "/photo", other.owner()).status()).isEqualTo(200);
    }

    private Response put(String path, String token, String contentType, byte[] body) {
        return api.send(path, token, request -> request.header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private HttpResponse<byte[]> download(String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + path))
                .header("Authorization", "Bearer " + token).GET().build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /** {@code magic} followed by filler up to {@code size} bytes: what the checks look at, without a real image. */
    static byte[] image(byte[] magic, int size) {
        byte[] bytes = Arrays.copyOf(magic, size);
        for (int i = magic.length; i < size; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }
}
