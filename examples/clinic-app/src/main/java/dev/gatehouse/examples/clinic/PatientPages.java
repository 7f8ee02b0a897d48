package dev.gatehouse.examples.clinic;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * The pages Gatehouse guards: the patient list (a route rule in {@link ClinicSecurity}: {@code patients.read}),
 * with a "New appointment" button its template shows only to those with {@code appointments.create}, and a
 * patient's chart ({@link PatientCharts}: {@code patients.read} on that patient, at their location).
 */
@Controller
class PatientPages {

    private final Patients patients;
    private final PatientCharts charts;

    PatientPages(Patients patients, PatientCharts charts) {
        this.patients = patients;
        this.charts = charts;
    }

    @GetMapping("/patients")
    String list(Model model) {
        model.addAttribute("patients", patients.all());
        return "clinic/patients";
    }

    @GetMapping("/patients/{id}")
    String chart(@PathVariable String id, Model model) {
        Patients.Patient patient = patients.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("chart", charts.open(patient));
        return "clinic/chart";
    }
}
