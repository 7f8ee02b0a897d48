package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.UserPhoto;
import dev.gatehouse.server.users.UserPhotos;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;

/**
 * The user page's "Photo" section: the photo itself, served here under the console session (the
 * page's {@code img-src 'self'} allows it), an upload form (multipart) and Remove. Everything goes
 * through {@link UserPhotos}, the API's service, so the same guard, checks and audit apply.
 */
@Controller
class UserPhotoController {

    private static final String PHOTO = UserPageController.USER + "/photo";

    private final UserPhotos photos;
    private final UserPage page;

    UserPhotoController(UserPhotos photos, UserPage page) {
        this.photos = photos;
        this.page = page;
    }

    @GetMapping(PHOTO)
    @ResponseBody
    ResponseEntity<byte[]> show(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        UUID user = UserPage.id(id);
        UserPhoto photo = photos.get(caller, page.tenant(caller), user)
                .orElseThrow(() -> ApiException.notFound("photo of user " + user));
        return photo.response();
    }

    @PostMapping(PHOTO)
    String upload(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(name = "photo", required = false) @Nullable MultipartFile file, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) throws IOException {
        UUID user = UserPage.id(id);
        try {
            byte[] bytes = new byte[0];
            if (file != null) {
                try (InputStream in = file.getInputStream()) {
                    bytes = in.readNBytes(UserPhotos.MAX_BYTES + 1);
                }
            }
            photos.replace(caller, page.tenant(caller), user, file == null ? null : file.getContentType(), bytes,
                    origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "photo");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?photoSaved#photo");
    }

    @PostMapping(PHOTO + "/remove")
    String remove(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            photos.remove(caller, page.tenant(caller), user, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "photo");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?photoRemoved#photo");
    }
}
