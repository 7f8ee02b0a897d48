package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.audittrail.AuditFilters;
import dev.gatehouse.server.audittrail.AuditQueries;
import dev.gatehouse.server.audittrail.AuditTrail;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

/**
 * Settings › Activity log (seed 000, seed 004): the audit trail filtered and paged by sequence,
 * exported with the same filters, and its hash chain verified. Everything goes through
 * {@link AuditTrail}, the service behind {@code GET …/audit}, {@code …/audit/export} and
 * {@code …/audit/verify}, so audit.read and audit.export decide here as there; the export is
 * served under /console so the console's cookie session carries it.
 */
@Controller
class ActivityController {

    static final String PATH = "/console/activity";
    static final int PAGE_SIZE = 50;

    /** One line of an event's details: a changed value (before → after) or a plain value. */
    record Detail(String name, @Nullable String before, String value) {}

    record EventView(long seq, String iso, String utc, String actor, List<String> roles, String action,
            String target, String ip, List<Detail> details) {}

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AuditTrail trail;
    private final Access access;
    private final Actors actors;

    ActivityController(AuditTrail trail, Access access, Actors actors) {
        this.trail = trail;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PATH)
    String log(@AuthenticationPrincipal Caller caller, @ModelAttribute("filters") AuditFilters filters,
            @RequestParam(required = false) @Nullable Long before, Model model, HttpServletResponse response) {
        List<EventView> events = List.of();
        Long next = null;
        try {
            AuditTrail.AuditPage page = trail.search(caller, caller.tenant(), filters, before, PAGE_SIZE);
            events = page.items().stream().map(ActivityController::view).toList();
            next = page.next();
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        model.addAttribute("events", events);
        model.addAttribute("nextPage", next == null ? null : link(PATH, filters).queryParam("before", next).toUriString());
        model.addAttribute("mayExport", access.allows(caller, "audit.export", null));
        model.addAttribute("csv", link(PATH + "/export", filters).queryParam("format", "csv").toUriString());
        model.addAttribute("jsonl", link(PATH + "/export", filters).queryParam("format", "jsonl").toUriString());
        model.addAttribute("paged", before != null);
        model.addAttribute("firstPage", link(PATH, filters).toUriString());
        return "console/activity/log";
    }

    /** Verifies the chain: the status fragment for htmx, the whole page otherwise. */
    @GetMapping(PATH + "/verify")
    String verify(@AuthenticationPrincipal Caller caller, Model model, HttpServletRequest request) {
        ChainVerifier.Result chain = trail.verify(caller, caller.tenant());
        model.addAttribute("chain", chain);
        return Htmx.isRequest(request) ? "console/activity/log :: chain" : "console/activity/chain";
    }

    /** The download, with the filters of the page it was started from; records AUDIT_EXPORTED. */
    @GetMapping(PATH + "/export")
    void export(@AuthenticationPrincipal Caller caller, @ModelAttribute("filters") AuditFilters filters,
            @RequestParam(defaultValue = "csv") String format, Origin origin, HttpServletResponse response)
            throws IOException {
        try (AuditTrail.Download download = trail.export(caller, caller.tenant(), format, filters,
                actors.actor(caller), origin)) {
            response.setStatus(HttpStatus.OK.value());
            response.setContentType(download.mediaType() + ";charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + download.fileName() + "\"");
            download.writeTo(response.getOutputStream());
        }
    }

    private static UriComponentsBuilder link(String path, AuditFilters filters) {
        UriComponentsBuilder link = UriComponentsBuilder.fromPath(path);
        filters.given().forEach(link::queryParam);
        return link.encode();
    }

    static EventView view(AuditQueries.Event event) {
        AuditQueries.ActorView actor = event.actor();
        AuditQueries.TargetView target = event.target();
        String targetText = "";
        if (target != null) {
            targetText = target.name() != null ? target.name() + " (" + target.type() + ")"
                    : (target.type() == null ? "" : target.type() + ":") + (target.id() == null ? "" : target.id());
        }
        return new EventView(event.seq(), event.at().toString(), UTC.format(event.at()),
                actor.username() != null ? actor.username() : actor.id() != null ? actor.id() : "Gatehouse",
                actor.roles(), event.action(), targetText, event.ip() == null ? "" : event.ip(), details(event.details()));
    }

    /** A change ({@code before} and {@code after} objects) as one line per field; anything else as name: value. */
    static List<Detail> details(JsonNode details) {
        List<Detail> lines = new ArrayList<>();
        JsonNode before = details.path("before");
        JsonNode after = details.path("after");
        if (before.isObject() && after.isObject()) {
            Set<String> names = new LinkedHashSet<>(before.propertyNames());
            names.addAll(after.propertyNames());
            names.forEach(name -> lines.add(new Detail(name, text(before.path(name)), text(after.path(name)))));
            details.properties().stream().filter(field -> !Set.of("before", "after").contains(field.getKey()))
                    .forEach(field -> lines.add(new Detail(field.getKey(), null, text(field.getValue()))));
            return lines;
        }
        for (Map.Entry<String, JsonNode> field : details.properties()) {
            lines.add(new Detail(field.getKey(), null, text(field.getValue())));
        }
        return lines;
    }

    private static String text(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "—";
        }
        return value.isString() ? value.asString() : value.toString();
    }
}
