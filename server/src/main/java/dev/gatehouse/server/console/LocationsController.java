package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.tenancy.LocationService;
import dev.gatehouse.server.tenancy.TenantLocation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The Locations screen: the tenant's location tree as nested lists, and per location adding a
 * child, renaming, moving under another parent and deleting. Every change goes through
 * {@link LocationService}, which checks each at the place concerned and refuses cycles.
 */
@Controller
class LocationsController {

    /** A location in the tree with the locations directly below it (those the caller may read). */
    record Node(TenantLocation location, int depth, List<Node> children) {}

    /** What the location forms post: a name (add, rename) or a new parent ("" for the top level). */
    record LocationForm(@Nullable String name, @Nullable String parent) {}

    private final LocationService locations;
    private final Access access;
    private final Actors actors;

    LocationsController(LocationService locations, Access access, Actors actors) {
        this.locations = locations;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping("/console/locations")
    String tree(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String deleted,
            Model model) {
        model.addAttribute("notice", deleted == null ? null : "Location " + deleted + " deleted.");
        return treePage(caller, model, new LocationForm(null, null));
    }

    @PostMapping("/console/locations")
    String createTopLevel(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") LocationForm form,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            TenantLocation created = locations.create(caller, caller.tenant(), form.name(), null,
                    actors.actor(caller), origin);
            return "redirect:/console/locations/" + created.id() + "?created";
        } catch (ApiException e) {
            refused(e, model, "add", response);
            return treePage(caller, model, form);
        }
    }

    @GetMapping("/console/locations/{id}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @RequestParam(required = false) @Nullable String created, @RequestParam(required = false) @Nullable String saved,
            Model model) {
        model.addAttribute("notice", created != null ? "Location added." : saved != null ? "Location saved." : null);
        return detailPage(caller, model, id, new LocationForm(null, null));
    }

    @PostMapping("/console/locations/{id}/children")
    String addChild(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, @ModelAttribute("form") LocationForm form,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            TenantLocation created = locations.create(caller, caller.tenant(), form.name(), id.toString(),
                    actors.actor(caller), origin);
            return "redirect:/console/locations/" + created.id() + "?created";
        } catch (ApiException e) {
            refused(e, model, "child", response);
            return detailPage(caller, model, id, form);
        }
    }

    @PostMapping("/console/locations/{id}/name")
    String rename(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, @ModelAttribute("form") LocationForm form,
            Model model, Origin origin, HttpServletResponse response) {
        return change(caller, id, new LocationService.Change(form.name() == null ? "" : form.name(), false, null,
                List.of()), "rename", form, model, origin, response);
    }

    @PostMapping("/console/locations/{id}/parent")
    String move(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, @ModelAttribute("form") LocationForm form,
            Model model, Origin origin, HttpServletResponse response) {
        String parent = form.parent() == null || form.parent().isEmpty() ? null : form.parent();
        return change(caller, id, new LocationService.Change(null, true, parent, List.of()), "move", form, model,
                origin, response);
    }

    /** From the Delete button (htmx, after its confirmation): back to the tree, or the refusal in place. */
    @PostMapping("/console/locations/{id}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        TenantLocation location = locations.get(caller, caller.tenant(), id);
        try {
            locations.delete(caller, caller.tenant(), id, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            return "console/locations/detail :: outcome";
        }
        String target = "/console/locations?deleted=" + URLEncoder.encode(location.name(), StandardCharsets.UTF_8);
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return "console/locations/detail :: outcome";
        }
        return "redirect:" + target;
    }

    private String change(Caller caller, UUID id, LocationService.Change change, String action, LocationForm form,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            locations.update(caller, caller.tenant(), id, change, actors.actor(caller), origin);
        } catch (ApiException e) {
            refused(e, model, action, response);
            return detailPage(caller, model, id, form);
        }
        return "redirect:/console/locations/" + id + "?saved";
    }

    /** Bad input and clashes go back to the form that caused them; a refusal of the caller is the 403 page. */
    private static void refused(ApiException e, Model model, String action, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        model.addAttribute("failed", action);
        response.setStatus(e.status().value());
    }

    private String treePage(Caller caller, Model model, LocationForm form) {
        model.addAttribute("roots", tree(locations.visible(caller, caller.tenant())));
        model.addAttribute("form", form);
        model.addAttribute("canCreate", access.allows(caller, "locations.create", null));
        return "console/locations/tree";
    }

    private String detailPage(Caller caller, Model model, UUID id, LocationForm form) {
        TenantLocation location = locations.get(caller, caller.tenant(), id);
        List<TenantLocation> visible = locations.visible(caller, caller.tenant());
        Map<UUID, TenantLocation> byId = new HashMap<>();
        visible.forEach(each -> byId.put(each.id(), each));
        List<TenantLocation> path = new ArrayList<>();
        for (UUID at = location.parent(); at != null && byId.containsKey(at); at = byId.get(at).parent()) {
            path.addFirst(byId.get(at));
        }
        model.addAttribute("location", location);
        model.addAttribute("path", path);
        model.addAttribute("tree", flatten(tree(visible)));
        model.addAttribute("form", form);
        model.addAttribute("canCreate", access.allows(caller, "locations.create", null));
        model.addAttribute("canEdit", access.allows(caller, "locations.edit", null));
        model.addAttribute("canDelete", access.allows(caller, "locations.delete", null));
        return "console/locations/detail";
    }

    /** The depth-first list as nested nodes; a location whose parent the caller cannot see is a root. */
    private static List<Node> tree(List<TenantLocation> depthFirst) {
        Map<UUID, Node> nodes = new HashMap<>();
        List<Node> roots = new ArrayList<>();
        for (TenantLocation location : depthFirst) {
            Node parent = location.parent() == null ? null : nodes.get(location.parent());
            Node node = new Node(location, parent == null ? 0 : parent.depth() + 1, new ArrayList<>());
            nodes.put(location.id(), node);
            (parent == null ? roots : parent.children()).add(node);
        }
        return roots;
    }

    private static List<Node> flatten(List<Node> nodes) {
        List<Node> flat = new ArrayList<>();
        for (Node node : nodes) {
            flat.add(node);
            flat.addAll(flatten(node.children()));
        }
        return flat;
    }
}
