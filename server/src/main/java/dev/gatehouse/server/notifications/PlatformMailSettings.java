package dev.gatehouse.server.notifications;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.SmtpEditor;
import dev.gatehouse.server.mail.TestMail;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.UserStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Who may read and change the platform's SMTP settings, and the test message: platform operators
 * holding {@value #PERMISSION} (the platform pack's SUPER_ADMIN; its ADMIN does not, as it holds no
 * platform configuration), asked of the engine like every other permission. The API and the console
 * page both come through here, so they cannot disagree.
 */
@Service
public class PlatformMailSettings {

    static final String PERMISSION = "platform.settings";

    private final SmtpEditor editor;
    private final TestMail testMail;
    private final TestMailLimits limits;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final UserStore users;
    private final TransactionTemplate transaction;

    PlatformMailSettings(SmtpEditor editor, TestMail testMail, TestMailLimits limits, Access access, Actors actors,
            AuditLog audit, UserStore users, PlatformTransactionManager transactions) {
        this.editor = editor;
        this.testMail = testMail;
        this.limits = limits;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.users = users;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * @throws ApiException 403 for anyone but a platform operator holding {@value #PERMISSION}
     */
    void require(Caller caller) {
        if (!caller.isPlatformOperator()) {
            throw ApiException.forbidden("only platform operators change the platform's mail settings");
        }
        access.require(caller, PERMISSION, null);
    }

    SmtpEditor.View view(Caller caller) {
        require(caller);
        return editor.view();
    }

    SmtpEditor.View replace(Caller caller, JsonNode body, Origin origin) {
        require(caller);
        return editor.replace(body, caller.tenant(), actors.actor(caller), origin);
    }

    /** The caller's own active address, where the test message goes; never an address the request names. */
    String ownAddress(Caller caller) {
        List<String> addresses = users.activeEmails(caller.tenant(), List.of(caller.userId()));
        if (addresses.isEmpty()) {
            throw ApiException.conflict("your account has no e-mail address to send the test message to; add one to"
                    + " your profile first");
        }
        return addresses.getFirst();
    }

    /**
     * Sends the test message to the caller's own address, throttled per address, account and
     * platform ({@link TestMailLimits}); the outcome is recorded as {@code PLATFORM_SMTP_TEST_MAIL}.
     * The message goes out of any transaction: a slow server must not hold a database connection.
     */
    TestMail.Result test(Caller caller, Origin origin) {
        require(caller);
        String recipient = ownAddress(caller);
        limits.spend(caller, origin);
        TestMail.Result result = testMail.send(recipient, caller.username());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("delivered", result.delivered());
        if (result.serverMessage() != null) {
            details.put("serverMessage", result.serverMessage());
        }
        transaction.executeWithoutResult(status -> audit.record(caller.tenant(), "PLATFORM_SMTP_TEST_MAIL",
                actors.actor(caller), new AuditLog.Target("platform-settings", "smtp", recipient), origin.ip(),
                origin.userAgent(), details));
        return result;
    }
}
