package dev.gatehouse.server.database;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * Ends a start promptly when the JVM is told to stop (SIGTERM) while the context is still being built.
 *
 * <p>Spring Boot's shutdown hook closes the context only once the refresh has finished or failed, while
 * the embedded PostgreSQL's own hook stops the server at once. The refresh then went on creating beans
 * without a database until one needed it — half a minute at load 30, minutes on a busier machine — with
 * the port not yet open (docs/benchmarks.md, "Branch train17"). Once stopping, the next bean to be
 * created fails instead, so the refresh fails, the context closes and the JVM exits. Beans created after
 * the refresh (during a normal stop) are not refused. While Spring reads its configuration classes no bean
 * is created for seconds: if the refresh has neither failed nor finished 3 s after the signal, the embedded
 * PostgreSQL is stopped and the JVM halted.
 *
 * <p>Registered by {@code GatehouseApplication.main}, beside {@link EarlyEmbeddedDatabase}.
 */
public final class StopWhileStarting implements SmartApplicationListener {

    /**
     * How long the refresh may take to fail at its next bean before the JVM is halted: while Spring reads the
     * configuration classes it creates no bean for many seconds.
     */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private volatile boolean stopping;
    private volatile boolean refreshed;
    private volatile boolean failed;

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationContextInitializedEvent.class.isAssignableFrom(eventType)
                || ContextRefreshedEvent.class.isAssignableFrom(eventType)
                || ApplicationFailedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ContextRefreshedEvent) {
            refreshed = true;
        } else if (event instanceof ApplicationFailedEvent) {
            failed = true;
        } else if (event instanceof ApplicationContextInitializedEvent initialized) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested();
                haltIfStillStarting();
            }, "stop-while-starting"));
            guard(initialized.getApplicationContext());
        }
    }

    /** From now on, until the context is refreshed, no bean of {@code context} is created. */
    void guard(ConfigurableApplicationContext context) {
        context.getBeanFactory().addBeanPostProcessor(new RefuseWhenStopping());
    }

    /** The JVM is stopping (its shutdown hooks run). */
    void stopRequested() {
        stopping = true;
    }

    /**
     * Nothing has been served and nothing is left to drain: if the refresh neither failed nor finished within the
     * grace, the embedded PostgreSQL is stopped (what closing the context would do) and the JVM halted.
     */
    private void haltIfStillStarting() {
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (!refreshed && !failed && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!refreshed && !failed) {
            EmbeddedDatabase.closeAll();
            Runtime.getRuntime().halt(143); // 128 + SIGTERM, the status of a JVM ended by SIGTERM
        }
    }

    private final class RefuseWhenStopping implements InstantiationAwareBeanPostProcessor {
        @Override
        public @Nullable Object postProcessBeforeInstantiation(Class<?> beanClass, String beanName) throws BeansException {
            if (stopping && !refreshed) {
                throw new BeanCreationException(beanName, "the server was told to stop while it started");
            }
            return null;
        }
    }
}
