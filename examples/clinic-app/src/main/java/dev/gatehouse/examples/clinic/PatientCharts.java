package dev.gatehouse.examples.clinic;

import dev.gatehouse.client.spring.RequiresPermission;
import dev.gatehouse.examples.clinic.Patients.Patient;
import org.springframework.stereotype.Service;

/**
 * Opens a patient's chart, which only someone Gatehouse lets read that patient may do: a provider the patient
 * is assigned to, a manager or billing clerk of the location they are kept at. The guard is on the method,
 * so every caller (a page, an API, a job) is checked the same way.
 */
@Service
class PatientCharts {

    /** What the chart page shows. */
    record Chart(Patient patient, String summary) {}

    @RequiresPermission(value = "patients.read", resourceType = "patient", resourceId = "#patient.id", location = "#patient.location")
    Chart open(Patient patient) {
        return new Chart(patient, "Demo chart of " + patient.name() + ": no real data.");
    }
}
