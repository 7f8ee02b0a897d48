package dev.gatehouse.server.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells whoever started the server where to sign in. */
@Component
class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web
                && event.getApplicationContext().getParent() == null) {
            String address = event.getApplicationContext().getEnvironment().getProperty("server.address", "127.0.0.1");
            int port = web.getWebServer().getPort();
            log.info("Gatehouse is ready: console at http://{}:{}/console, API at http://{}:{}/api/v1 (OpenAPI at"
                    + " /v3/api-docs); operators sign in with tenant 'platform'", address, port, address, port);
        }
    }
}
