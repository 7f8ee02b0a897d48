package dev.gatehouse.examples.clinic;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The clinic's application: a relying party of one Gatehouse tenant. It reads {@code clinic-app.properties}
 * rather than {@code application.properties} so that it can run beside Gatehouse in one JVM (the browser
 * suite starts it that way) without either reading the other's configuration.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClinicApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as {@link #main} starts it; tests add their own properties to it. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ClinicApplication.class).properties("spring.config.name=clinic-app");
    }
}
