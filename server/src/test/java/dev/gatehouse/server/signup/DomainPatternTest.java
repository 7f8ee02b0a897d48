package dev.gatehouse.server.signup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Domain mapping patterns: what they accept, what they match, and which of two wins. */
class DomainPatternTest {

    @Test
    void anExactDomainOrAWildcardOverOneIsAPatternAndNothingElse() {
        assertThat(DomainPattern.parse(" Clinic.ORG ")).contains(new DomainPattern("clinic.org"));
        assertThat(DomainPattern.parse("*.clinic.org")).contains(new DomainPattern("*.clinic.org"));
        assertThat(DomainPattern.parse("*.com")).as("half the internet").isEmpty();
        assertThat(DomainPattern.parse("clinic")).isEmpty();
        assertThat(DomainPattern.parse("*clinic.org")).isEmpty();
        assertThat(DomainPattern.parse("a.*.clinic.org")).isEmpty();
        assertThat(DomainPattern.parse("**.clinic.org")).isEmpty();
        assertThat(DomainPattern.parse("-bad.org")).isEmpty();
        assertThat(DomainPattern.parse("clinic.org.")).isEmpty();
        assertThat(DomainPattern.parse("")).isEmpty();
    }

    @Test
    void aWildcardMatchesSubdomainsOnlyAndAnExactDomainItselfOnly() {
        DomainPattern any = DomainPattern.parse("*.clinic.org").orElseThrow();
        DomainPattern exact = DomainPattern.parse("clinic.org").orElseThrow();

        assertThat(any.matches("north.clinic.org")).isTrue();
        assertThat(any.matches("a.north.clinic.org")).isTrue();
        assertThat(any.matches("clinic.org")).isFalse();
        assertThat(any.matches("evilclinic.org")).isFalse();
        assertThat(exact.matches("clinic.org")).isTrue();
        assertThat(exact.matches("north.clinic.org")).isFalse();
    }

    @Test
    void theMoreSpecificPatternRanksHigher() {
        assertThat(new DomainPattern("clinic.org").specificity())
                .isGreaterThan(new DomainPattern("*.north.clinic.org").specificity());
        assertThat(new DomainPattern("*.north.clinic.org").specificity())
                .isGreaterThan(new DomainPattern("*.clinic.org").specificity());
    }

    @Test
    void theCandidatesOfADomainAreItselfAndTheWildcardOfEachParent() {
        assertThat(DomainPattern.candidates("a.north.clinic.org"))
                .containsExactly("a.north.clinic.org", "*.north.clinic.org", "*.clinic.org", "*.org");
    }
}
