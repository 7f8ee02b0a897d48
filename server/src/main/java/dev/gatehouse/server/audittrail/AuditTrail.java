package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Reading the audit trail, for the API and the console alike: search, export and chain
 * verification of the trail the edge resolved ({@code PathTenant.For.TRAIL}: a member's own tenant's,
 * an operator's the platform's), each asking the engine in one place (audit.read, audit.export), so
 * the console cannot show what the API would refuse.
 */
@Service
public class AuditTrail {

    /** A page of events and, when there may be more, the sequence number to pass as {@code before}. */
    public record AuditPage(List<AuditQueries.Event> items, @Nullable Long next) {}

    /**
     * An export whose AUDIT_EXPORTED event is committed; {@link #writeTo} streams the events before
     * it. It holds a permit of the {@link StreamBudget} until written or closed.
     */
    public interface Download extends AutoCloseable {
        String fileName();

        String mediaType();

        /** Writes the events, then gives the permit back. */
        void writeTo(OutputStream out) throws IOException;

        /** Gives the permit back if {@link #writeTo} never ran. */
        @Override
        void close();
    }

    private final Access access;
    private final AuditQueries queries;
    private final AuditEvents events;
    private final ChainVerifier verifier;
    private final StreamBudget streams;

    AuditTrail(Access access, AuditQueries queries, AuditEvents events, ChainVerifier verifier,
            StreamBudget streams) {
        this.streams = streams;
        this.access = access;
        this.queries = queries;
        this.events = events;
        this.verifier = verifier;
    }

    /**
     * Up to {@code size} matching events below {@code before}, newest first.
     *
     * @throws ApiException 403 without audit.read,
     *     400 naming the first bad filter
     */
    public AuditPage search(Caller caller, TenantId id, AuditFilters filters, @Nullable Long before, int size) {
        access.require(caller, "audit.read", null);
        List<AuditQueries.Event> found = queries.page(id, parse(filters), before, size + 1);
        if (found.size() > size) {
            List<AuditQueries.Event> items = found.subList(0, size);
            return new AuditPage(List.copyOf(items), items.getLast().seq());
        }
        return new AuditPage(found, null);
    }

    /**
     * Records AUDIT_EXPORTED (format and filters in its details) and answers the download of the
     * matching events before it, oldest first: a consistent cut however long the download takes.
     *
     * @param format {@code csv} or {@code jsonl}
     * @throws ApiException 403 without audit.export,
     *     400 naming a bad format or filter, 503 when every slot of the {@link StreamBudget} is taken
     */
    public Download export(Caller caller, TenantId id, String format, AuditFilters filters, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "audit.export", null);
        AuditExport.Format chosen = switch (format) {
            case "csv" -> AuditExport.Format.CSV;
            case "jsonl" -> AuditExport.Format.JSONL;
            default -> throw ApiException.badRequest("format", "csv or jsonl");
        };
        AuditFilter filter = parse(filters);
        // Taken before the event is recorded: an export refused for want of a slot (503) leaves no trace.
        StreamBudget.Lease lease = streams.take();
        long exported;
        try {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("format", format);
            details.put("filters", filters.given());
            exported = events.record(id, List.of(new AuditLog.Entry("AUDIT_EXPORTED", actor, null, origin.ip(),
                    origin.userAgent(), details))).getFirst();
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return new Download() {
            @Override
            public String fileName() {
                return "audit-" + exported + "." + chosen.extension;
            }

            @Override
            public String mediaType() {
                return chosen.mediaType;
            }

            @Override
            public void writeTo(OutputStream stream) throws IOException {
                try {
                    Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                    AuditExport writer = new AuditExport(chosen, out);
                    writer.header();
                    queries.stream(id, filter, exported, writer::write);
                    out.flush();
                } finally {
                    lease.close();
                }
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    /**
     * Where a compliance report stands in the trail: the last committed event, through which the
     * report reads, so anyone can verify the report against the chain at that position. Appends are
     * serialised per tenant and commit in sequence order, so every event up to it is committed.
     */
    public record Position(long seq, @Nullable String hash) {}

    /** The tenant's current {@link Position}; seq 0 for an empty trail. */
    public Position position(TenantId tenant) {
        AuditQueries.Head head = queries.head(tenant);
        return new Position(head.seq(), head.hash());
    }

    /**
     * For compliance reports (the caller has checked reports.manage): streams the events up to
     * {@code through} whose action is one of {@code actions}, or that an application recorded when
     * {@code applicationEvents}, in {@code [from, to)}, oldest first, from a cursor of the
     * {@link StreamBudget}'s pool so memory stays flat however long the trail.
     *
     * @throws ApiException 503 when every slot of the {@link StreamBudget} is taken
     */
    public void scan(TenantId tenant, List<String> actions, boolean applicationEvents, @Nullable Instant from,
            @Nullable Instant to, long through, Consumer<AuditQueries.Event> sink) {
        try (StreamBudget.Lease lease = streams.take()) {
            queries.scan(tenant, actions, applicationEvents, from, to, through, sink);
        }
    }

    /**
     * Recomputes the tenant's hash chain (docs/audit.md).
     *
     * @throws ApiException 403 without audit.read
     */
    public ChainVerifier.Result verify(Caller caller, TenantId id) {
        access.require(caller, "audit.read", null);
        return verifier.verify(id);
    }

    /**
     * The platform's own trail ({@code GET /api/v1/platform/audit}, issue 16): tenants created,
     * renamed, moved, suspended, reactivated and deleted, and operators' sign-ins and refusals; as
     * {@link #search}, for operators holding {@code platform.audit.read}.
     *
     * @throws ApiException 404 for anyone but a platform operator (the path is theirs alone), 403
     *     without platform.audit.read, 400 naming the first bad filter
     */
    public AuditPage searchPlatform(Caller caller, AuditFilters filters, @Nullable Long before, int size) {
        if (!caller.isPlatformOperator()) {
            throw ApiException.notFound("the platform's trail is for platform operators");
        }
        access.require(caller, "platform.audit.read", null);
        List<AuditQueries.Event> found = queries.page(caller.tenant(), parse(filters), before, size + 1);
        if (found.size() > size) {
            List<AuditQueries.Event> items = found.subList(0, size);
            return new AuditPage(List.copyOf(items), items.getLast().seq());
        }
        return new AuditPage(found, null);
    }

    private AuditFilter parse(AuditFilters filters) {
        AuditFilter filter = AuditFilter.parse(filters);
        queries.requireInet(filter.ip());
        return filter;
    }
}
