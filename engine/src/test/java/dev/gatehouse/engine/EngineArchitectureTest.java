package dev.gatehouse.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.InstantSource;

/**
 * docs/style.md rules 2 and 9: the engine takes data and returns a decision; these rules fail the
 * build when its main classes reach for a clock, a file, the network, a database or Spring.
 */
@AnalyzeClasses(packages = "dev.gatehouse.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

    private static final String ENGINE = "dev.gatehouse.engine..";
    private static final String CORE = "dev.gatehouse.engine";
    private static final String PACKS = "dev.gatehouse.engine.packs..";

    @ArchTest
    static final ArchRule theEngineHasNoClockOfItsOwn = noClasses().that().resideInAPackage(ENGINE)
            .should().callMethodWhere(target(name("now")).and(target(owner(resideInAPackage("java.time..")))))
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            // Clock is an InstantSource; so is anything else that would tell the time.
            .orShould().dependOnClassesThat().areAssignableTo(InstantSource.class)
            .because("the time of a request comes in the request (docs/style.md rule 2)");

    @ArchTest
    static final ArchRule theEngineTouchesNoFilesNetworkDatabaseOrSpring = noClasses().that().resideInAPackage(ENGINE)
            .should().dependOnClassesThat().belongToAnyOf(java.io.File.class)
            .orShould().dependOnClassesThat().resideInAnyPackage(
                    "java.nio.file..", "java.net..", "java.sql..", "javax.sql..", "org.springframework..")
            .because("the engine takes data and returns a decision: no I/O, no SQL, no HTTP, no Spring"
                    + " (docs/style.md rule 2)");

    @ArchTest
    static final ArchRule onlyThePackLoaderReadsStreams = noClasses().that().resideInAPackage(ENGINE)
            .and().resideOutsideOfPackage(PACKS)
            .should().dependOnClassesThat().resideInAPackage("java.io..")
            .because("only the role-pack loader reads packaged resources");

    @ArchTest
    static final ArchRule thePackLoaderReadsOnlyPackagedResources = noClasses().that().resideInAPackage(PACKS)
            .should().dependOnClassesThat(resideInAPackage("java.io..")
                    .and(not(belongToAnyOf(InputStream.class, IOException.class, UncheckedIOException.class))))
            .because("a pack is read from the classpath as a stream, never from a file or a writer");

    @ArchTest
    static final ArchRule theCoreKnowsNeitherPacksNorJson = noClasses().that().resideInAPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(PACKS, "tools.jackson..", "com.fasterxml.jackson..")
            .because("packs are one way to make a policy; the decision path never parses JSON");
}
