package dev.gatehouse.examples.clinic;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The clinic's patients, as the application keeps them: three demo records (no real data), all kept at the
 * clinic's location. Which of them a person may open is Gatehouse's decision, not this list's.
 */
@Component
class Patients {

    /** A patient as the app lists them; {@code location} is the Gatehouse location id they are kept at. */
    record Patient(String id, String name, @Nullable String location) {}

    private final List<Patient> all;

    Patients(ClinicProperties clinic) {
        this.all = List.of(new Patient("1001", "Ada Lovelace", clinic.location()),
                new Patient("1002", "Alan Turing", clinic.location()),
                new Patient("1003", "Grace Hopper", clinic.location()));
    }

    List<Patient> all() {
        return all;
    }

    Optional<Patient> find(String id) {
        return all.stream().filter(patient -> patient.id().equals(id)).findFirst();
    }
}
