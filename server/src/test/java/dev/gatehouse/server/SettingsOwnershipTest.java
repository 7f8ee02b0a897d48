package dev.gatehouse.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.gatehouse.server.settings.SettingsDocument;
import dev.gatehouse.server.shared.TenantDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A setting has one home (docs/style.md rule 17): the {@code settings} package reads, checks and
 * writes the settings document; every feature asks {@code settings.TenantSettingsStore} for the
 * typed {@code TenantSettings}. Checked on the classes (who may call the document's reader) and on
 * the source text (a JSON path into the settings, in Java or in SQL, is parsing them too).
 *
 * <p>Two places besides the home touch the document, each for a reason: {@code tenancy/Tenants.java}
 * owns the {@code tenants} row that stores it (and its one indexed search, tenants by e-mail
 * domain, must run in SQL there); {@code tenancy/SettingsService.java} hands a PATCH and the stored
 * text to {@link SettingsDocument#patch} and stores what comes back.
 */
class SettingsOwnershipTest {

    private static final Path MODULE = Files.isDirectory(Path.of("src/main/java/dev/gatehouse/server"))
            ? Path.of("") : Path.of("server");
    private static final Path SOURCES = MODULE.resolve("src/main/java/dev/gatehouse/server");

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.server");

    /** Files that may touch the stored document besides the settings package (see the class comment). */
    private static final Set<String> STORAGE = Set.of("tenancy/Tenants.java");

    /**
     * Readers still to move into the settings package, as {@code "package/File.java"} → why. Empty:
     * keep it so. A reader listed here that no longer parses fails the test, so the list only shrinks.
     */
    private static final Map<String, String> REMAINING = Map.of();

    /** The top-level names of the settings document (docs/api.md). */
    private static final String KEYS = "passwordPolicy|lockoutPolicy|sessionPolicy|mfaPolicy|singleRolePerUser"
            + "|invitationHours|resetLinkMinutes|emailDomains|ipAllowlist|ipAllowlistByRole|auditRetention|throttling"
            + "|idleMinutesByRole|maxAgeDays|maxFailures|lockMinutes|idleMinutes|reauthMinutes|maxHours|perAccount"
            + "|perTenant";

    /** Jackson walking the document: {@code path("passwordPolicy")}, {@code get("throttling")}. */
    private static final Pattern JSON_PATH = Pattern.compile("\\.(?:path|get|has|at)\\(\"/?(?:" + KEYS + ")\\b");

    /** SQL reading the column: {@code settings::text}, {@code t.settings -> 'sessionPolicy'}, {@code settings @> …}. */
    private static final Pattern SQL_ON_SETTINGS = Pattern.compile(
            "\\bsettings\\s*(?:::|->|#>|@>)|'(?:" + KEYS + ")'", Pattern.CASE_INSENSITIVE);

    @Test
    void onlyTheSettingsPackageReadsTheStoredDocument() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.settings..")
                .should().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "TenantDirectory.settingsJson", call -> call.getTarget().getName().equals("settingsJson")
                                && call.getTarget().getOwner().isAssignableTo(TenantDirectory.class)))
                .because("every feature asks settings.TenantSettingsStore for the typed settings")
                .check(SERVER);
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.server.settings..")
                .should().callMethod(SettingsDocument.class, "parse", String.class)
                .because("the typed settings come from settings.TenantSettingsStore, not from a document at hand")
                .check(SERVER);
        noClasses().that().resideOutsideOfPackages("dev.gatehouse.server.settings..", "dev.gatehouse.server.tenancy..")
                .should().dependOnClassesThat().haveFullyQualifiedName(SettingsDocument.class.getName())
                .because("only the settings API (tenancy) changes the document")
                .check(SERVER);
    }

    @Test
    void noClassOutsideTheSettingsHomeWalksTheSettingsJsonInJavaOrSql() {
        Map<String, Set<String>> found = readers();

        assertThat(found.keySet()).as("classes parsing the settings JSON outside the settings package: ask"
                        + " settings.TenantSettingsStore for the typed settings instead (found %s)", found)
                .containsExactlyInAnyOrderElementsOf(REMAINING.keySet());
    }

    @Test
    void theScanSeesJsonPathsAndSqlOnTheSettingsButNotOtherJson() {
        assertThat(hits("""
                class A {
                    int a = settings.path("passwordPolicy").path("minLength").asInt();
                    String b = "select t.settings::text from tenants t";
                    String c = \"""
                            select coalesce((t.settings -> 'sessionPolicy' ->> 'idleMinutes')::int, 30)
                            \""";
                    boolean d = node.has("throttling");
                }
                """)).hasSize(4);
        assertThat(hits("""
                class B {
                    JsonNode a = details.path("before");
                    String b = "select name from tenants where id = :id";
                    String c = "settings.read";
                    String d = "/api/v1/tenants/{tenant}/settings";
                }
                """)).isEmpty();
    }

    /** Per main source file outside the home, what in it reads the settings document. */
    private static Map<String, Set<String>> readers() {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String name = SOURCES.relativize(file).toString().replace('\\', '/');
                if (name.startsWith("settings/") || STORAGE.contains(name)) {
                    continue;
                }
                Set<String> hits = hits(Files.readString(file));
                if (!hits.isEmpty()) {
                    found.put(name, hits);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static Set<String> hits(String source) {
        Set<String> hits = new TreeSet<>();
        Matcher path = JSON_PATH.matcher(source);
        while (path.find()) {
            hits.add(path.group());
        }
        for (String literal : TableOwnershipTest.literals(source)) {
            Matcher sql = SQL_ON_SETTINGS.matcher(literal);
            while (sql.find()) {
                hits.add(literal.strip());
            }
        }
        return hits;
    }
}
