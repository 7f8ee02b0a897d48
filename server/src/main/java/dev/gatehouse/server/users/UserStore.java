package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The users table. */
@Repository
public class UserStore {

    /** What a new account starts with. */
    public record NewUser(String username, String firstName, String lastName, @Nullable String email,
            @Nullable String phone, String kind, String status, @Nullable String passwordHash,
            List<String> requiredActions) {}

    private final JdbcClient jdbc;

    UserStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public UUID insert(TenantId tenant, NewUser user) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, email, email_normalized,
                            first_name, last_name, phone, kind, status, password_hash, required_actions)
                        values (:tenant, :id, :username, :usernameNormalized, :email, :emailNormalized,
                            :firstName, :lastName, :phone, :kind, :status, :passwordHash, :requiredActions)
                        """)
                .param("tenant", tenant.value()).param("id", id)
                .param("username", user.username().strip())
                .param("usernameNormalized", Usernames.normalize(user.username()))
                .param("email", user.email() == null ? null : user.email().strip())
                .param("emailNormalized", user.email() == null ? null : Usernames.normalize(user.email()))
                .param("firstName", user.firstName()).param("lastName", user.lastName()).param("phone", user.phone())
                .param("kind", user.kind()).param("status", user.status()).param("passwordHash", user.passwordHash())
                .param("requiredActions", user.requiredActions().toArray(String[]::new))
                .update();
        return id;
    }

    public boolean usernameTaken(TenantId tenant, String username) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and username_normalized = :u)")
                .param("tenant", tenant.value()).param("u", Usernames.normalize(username)).query(Boolean.class).single();
    }

    public boolean emailTaken(TenantId tenant, String email) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and email_normalized = :e)")
                .param("tenant", tenant.value()).param("e", Usernames.normalize(email)).query(Boolean.class).single();
    }
}
