package dev.gatehouse.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.support.GenericApplicationContext;

/** A stop requested while the context is built fails the refresh at the next bean; after it, nothing is refused. */
class StopWhileStartingTest {

    @Test
    void aStopRequestedWhileTheContextIsBuiltFailsTheNextBeanInsteadOfBuildingTheRest() {
        StopWhileStarting guard = new StopWhileStarting();
        List<String> created = new ArrayList<>();
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.addApplicationListener(guard);
            guard.guard(context);
            context.registerBean("first", String.class, () -> {
                created.add("first");
                guard.stopRequested(); // SIGTERM arrives while this bean is created
                return "first";
            });
            context.registerBean("second", String.class, () -> {
                created.add("second");
                return "second";
            });

            assertThatThrownBy(context::refresh).isInstanceOf(BeanCreationException.class)
                    .hasMessageContaining("second").rootCause().hasMessageContaining("told to stop while it started");
            assertThat(created).containsExactly("first");
            assertThat(context.isActive()).as("the refresh was cancelled").isFalse();
        }
    }

    @Test
    void aStopAfterTheRefreshRefusesNoBean() {
        StopWhileStarting guard = new StopWhileStarting();
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.addApplicationListener(guard);
            guard.guard(context);
            Supplier<StringBuilder> perUse = StringBuilder::new;
            context.registerBean("perUse", StringBuilder.class, perUse,
                    definition -> definition.setScope(BeanDefinition.SCOPE_PROTOTYPE));
            context.refresh();

            guard.stopRequested();

            assertThat(context.getBean("perUse")).isInstanceOf(StringBuilder.class);
        }
    }
}
