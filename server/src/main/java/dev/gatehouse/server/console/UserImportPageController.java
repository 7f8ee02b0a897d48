package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.UserImport;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * Users › Import (issue 17): a clinic manager uploads a CSV of staff and sees how many were
 * imported and which lines were not, with why. The upload goes through {@link UserImport}, the
 * API's service, so the same rules, engine decisions and audit events apply; larger files (beyond
 * the console's upload limit) go to {@code POST …/users/import}.
 */
@Controller
class UserImportPageController {

    static final String IMPORT = UserRosterController.USERS + "/import";

    private final UserImport imports;
    private final UserPage page;
    private final Access access;

    UserImportPageController(UserImport imports, UserPage page, Access access) {
        this.imports = imports;
        this.page = page;
        this.access = access;
    }

    @GetMapping(IMPORT)
    String form(@AuthenticationPrincipal Caller caller) {
        access.require(caller, "users.create", null);
        return "console/users/import";
    }

    @PostMapping(IMPORT)
    String upload(@AuthenticationPrincipal Caller caller,
            @RequestParam(name = "file", required = false) @Nullable MultipartFile file, Model model, Origin origin,
            HttpServletResponse response) throws IOException {
        if (file == null || file.isEmpty()) {
            return refused(model, response, HttpStatus.BAD_REQUEST, "Choose a CSV file to upload.");
        }
        try (InputStream in = file.getInputStream()) {
            model.addAttribute("result", imports.run(caller, page.tenant(caller), UserImport.Format.CSV, in, origin));
        } catch (UserImport.Interrupted e) {
            model.addAttribute("result", e.written());
            return refused(model, response, e.status(), e.getMessage());
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            return refused(model, response, e.status(), e.errors().isEmpty() ? e.getMessage()
                    : e.errors().stream().map(error -> error.message()).reduce((a, b) -> a + "; " + b).orElseThrow());
        }
        return "console/users/import";
    }

    private static String refused(Model model, HttpServletResponse response, HttpStatus status, String problem) {
        model.addAttribute("problem", problem);
        response.setStatus(status.value());
        return "console/users/import";
    }
}
