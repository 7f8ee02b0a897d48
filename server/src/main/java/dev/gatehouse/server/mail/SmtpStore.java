package dev.gatehouse.server.mail;

import dev.gatehouse.server.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code platform_smtp_settings} row: the SMTP values operators saved. The password is sealed
 * with the environment key under {@link #PURPOSE}, so a copy of the database reveals nothing of it.
 */
@Component
class SmtpStore {

    static final String PURPOSE = "platform-smtp-password";

    /** What is saved; null where nothing is. {@code password} is opened, for the transport only. */
    record Saved(@Nullable String host, @Nullable Integer port, SmtpSettings.@Nullable Tls tls,
            @Nullable String username, @Nullable String password, @Nullable String from) {
        static final Saved NONE = new Saved(null, null, null, null, null, null);
    }

    /** A change: {@code password} is written only when {@code passwordChanged}. */
    record Change(@Nullable String host, @Nullable Integer port, SmtpSettings.@Nullable Tls tls,
            @Nullable String username, boolean passwordChanged, @Nullable String password, @Nullable String from) {}

    private final JdbcClient jdbc;
    private final SecretBox box;

    SmtpStore(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    Saved read() {
        return jdbc.sql("""
                        select host, port, tls_mode, username, password_sealed, from_address
                        from platform_smtp_settings where id = 1
                        """)
                .query((rs, n) -> {
                    byte[] sealed = rs.getBytes("password_sealed");
                    String tls = rs.getString("tls_mode");
                    return new Saved(rs.getString("host"), (Integer) rs.getObject("port"),
                            tls == null ? null : SmtpSettings.Tls.valueOf(tls), rs.getString("username"),
                            sealed == null ? null : new String(box.open(PURPOSE, sealed), StandardCharsets.UTF_8),
                            rs.getString("from_address"));
                })
                .optional().orElse(Saved.NONE);
    }

    /** Holds the row until the transaction ends, so two operators' saves take turns; creates it first. */
    void lock() {
        jdbc.sql("insert into platform_smtp_settings (id) values (1) on conflict (id) do nothing").update();
        jdbc.sql("select id from platform_smtp_settings where id = 1 for update").query(Integer.class).single();
    }

    void write(Change change) {
        jdbc.sql("""
                        update platform_smtp_settings set host = :host, port = :port, tls_mode = :tls,
                            username = :username, from_address = :from, updated_at = now()
                        where id = 1
                        """)
                .param("host", change.host()).param("port", change.port())
                .param("tls", change.tls() == null ? null : change.tls().name()).param("username", change.username())
                .param("from", change.from()).update();
        if (change.passwordChanged()) {
            jdbc.sql("update platform_smtp_settings set password_sealed = :sealed where id = 1")
                    .param("sealed", change.password() == null ? null
                            : box.seal(PURPOSE, change.password().getBytes(StandardCharsets.UTF_8)))
                    .update();
        }
    }
}
