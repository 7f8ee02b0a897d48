package dev.gatehouse.server.users;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The clinical credentials of a behavioural-health account (seed 004): NPI, DEA, state licence,
 * primary and secondary licences, NADEAN number, post-nominal credentials, specialties (seed 000's
 * provider profile) and a short biography.
 */
public record ClinicalProfile(@Nullable String npi, @Nullable String dea, @Nullable String stateLicense,
        @Nullable String primaryLicense, @Nullable String secondaryLicense, @Nullable String nadean,
        List<String> credentials, List<String> specialties, @Nullable String bio) {

    static final ClinicalProfile EMPTY = new ClinicalProfile(null, null, null, null, null, null, List.of(), List.of(),
            null);

    public ClinicalProfile {
        credentials = List.copyOf(credentials);
        specialties = List.copyOf(specialties);
    }
}
