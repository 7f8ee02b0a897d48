package dev.gatehouse.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The stored relationships through which one subject of one tenant is among resources' assignees
 * (docs/access-model.md, "Relationship"): their own {@code assigned_*} and {@code shared_with}
 * tuples, and the {@code care_team} tuples of the care teams they are a member of. The server loads
 * one per subject on demand and hands it to {@link TenantPolicy#check}; the engine only reads it.
 *
 * <p>Built for many tuples per tenant, of which a node holds only the subjects it is asked about:
 * the object ids sit in one Latin-1 {@code byte[]}, each path is two adjacent {@code long}s (its
 * expiry in microseconds; its id's offset, type and kind), and an open-addressing table over (type,
 * id) finds a resource without allocating: a lookup hashes the request's strings (whose hashes Java
 * caches) and compares bytes, touching the table, one pair of longs and the id's bytes — three cache
 * lines for an index nobody asked about lately. docs/benchmarks.md records the bytes per tuple.
 *
 * <p>Immutable as far as anyone can observe: the memo of allow decisions is filled racily with
 * equal, immutable values, as {@link Profile}'s.
 */
public final class SubjectRelations {

    /** Relations naming who is assigned to an object start with this: {@code assigned_provider}. */
    public static final String ASSIGNED_PREFIX = "assigned_";
    /** The subject's explicit share of an object. */
    public static final String SHARED_WITH = "shared_with";
    /** A care team's relation to what it cares for. */
    public static final String CARE_TEAM = "care_team";

    /** No relationships: what a check without stored relationships reads. */
    public static final SubjectRelations NONE = builder("", "").build();

    private static final long FOREVER = Long.MAX_VALUE;
    private static final byte ASSIGNED = 0;
    private static final byte TEAM = 1;
    private static final byte SHARED = 2;

    private final String tenant;
    private final String subject;
    /** The object types met, each once; {@link #type} indexes it. */
    private final String[] types;
    /** Relation names (for ASSIGNED) and care teams' ids and names (for TEAM); {@link #via} indexes it. */
    private final String[] names;
    private final byte[] idBytes;
    /**
     * Per path, in (type, id) order, {@link #STRIDE} longs: the end of its validity in epoch
     * microseconds, exclusive ({@link #FOREVER}: none); then its type index (bits 40–55), kind (bits
     * 32–39) and where its object id starts in {@link #idBytes} (bits 0–31). One more pair at the end
     * holds where the last id ends.
     */
    private final long[] layout;
    private final int paths;
    /** Per path: for ASSIGNED the relation's index in {@link #names}; for TEAM the team id's (its name follows). */
    private final int[] via;
    /** Open addressing over (type, id): the first path of an object plus one, 0 for an empty slot. */
    private final int[] table;
    private final @Nullable Decision[] memo;

    private static final int STRIDE = 2;

    private SubjectRelations(String tenant, String subject, String[] types, String[] names, int[] idStart,
            byte[] idBytes, long[] until, byte[] kind, short[] type, int[] via, int[] table) {
        this.tenant = tenant;
        this.subject = subject;
        this.types = types;
        this.names = names;
        this.idBytes = idBytes;
        this.paths = until.length;
        this.layout = new long[(paths + 1) * STRIDE];
        for (int p = 0; p < paths; p++) {
            layout[p * STRIDE] = until[p];
            layout[p * STRIDE + 1] = ((long) type[p] << 40) | ((long) kind[p] << 32) | (idStart[p] & 0xffff_ffffL);
        }
        layout[paths * STRIDE + 1] = idStart[paths] & 0xffff_ffffL;
        this.via = via;
        this.table = table;
        this.memo = new Decision[paths];
    }

    private long until(int path) {
        return layout[path * STRIDE];
    }

    private int idStart(int path) {
        return (int) layout[path * STRIDE + 1];
    }

    private int type(int path) {
        return (int) (layout[path * STRIDE + 1] >>> 40) & 0xffff;
    }

    private byte kind(int path) {
        return (byte) (layout[path * STRIDE + 1] >>> 32);
    }

    public static Builder builder(String tenant, String subject) {
        return new Builder(tenant, subject);
    }

    public String tenant() {
        return tenant;
    }

    public String subject() {
        return subject;
    }

    /** The number of paths held (a tuple counted once per way it reaches an object). */
    public int size() {
        return paths;
    }

    /**
     * Every path held, in the index's order, as values: what a copy of this index elsewhere (the Java
     * SDK's, issue 14) is rebuilt from, through {@link Builder#tuple} for {@code ASSIGNED} and
     * {@code SHARED} paths and {@link Builder#throughCareTeam} (membership open, the path's end as the
     * tuple's) for {@code CARE_TEAM} ones. A path keeps one end, the earlier of a membership's and its
     * tuple's, so the rebuilt index holds the same paths in the same order and decides the same.
     * Allocates; the check path never calls it.
     */
    public List<RelationPath> paths() {
        List<RelationPath> all = new ArrayList<>(paths);
        for (int p = 0; p < paths; p++) {
            all.add(path(p));
        }
        return List.copyOf(all);
    }

    /**
     * The first path that makes the subject an assignee of {@code type} {@code id} at the instant
     * {@code second}.{@code nano}, or -1. Allocates nothing.
     */
    int find(String objectType, String objectId, long second, int nano) {
        if (table.length == 0) {
            return -1;
        }
        long micros = micros(second, nano);
        int mask = table.length - 1;
        for (int slot = hash(objectType.hashCode(), objectId.hashCode()) & mask; table[slot] != 0;
                slot = (slot + 1) & mask) {
            int first = table[slot] - 1;
            if (!sameObject(first, objectType, objectId)) {
                continue;
            }
            for (int path = first; path < paths && sameObject(path, objectType, objectId); path++) {
                if (micros < until(path)) {
                    return path;
                }
            }
            return -1;
        }
        return -1;
    }

    /**
     * The allow through {@code path} of {@code granted} (the role, assignment and grant that reach
     * assigned resources): built once per path and reused while the same assignment and grant allow.
     */
    Decision allowed(int path, String role, Assignment assignment, Grant grant, String declaredBy) {
        Decision known = memo[path];
        if (known != null && known.reason() instanceof Reason.GrantedBy granted && granted.assignment() == assignment
                && granted.grant() == grant && granted.declaredBy().equals(declaredBy)) {
            return known;
        }
        Decision decision = Decision.allow(new Reason.GrantedBy(role, assignment, grant, declaredBy, path(path)));
        memo[path] = decision;
        return decision;
    }

    /** Path {@code path} as a value, for reasons. */
    RelationPath path(int path) {
        int start = idStart(path);
        String id = new String(idBytes, start, idStart(path + 1) - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        long micros = until(path);
        Instant end = micros == FOREVER ? null
                : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        String objectType = types[type(path)];
        return switch (kind(path)) {
            case ASSIGNED -> new RelationPath(RelationPath.Kind.ASSIGNED, names[via[path]], objectType, id, null, null,
                    end);
            case TEAM -> new RelationPath(RelationPath.Kind.CARE_TEAM, CARE_TEAM, objectType, id, names[via[path]],
                    names[via[path] + 1], end);
            default -> new RelationPath(RelationPath.Kind.SHARED, SHARED_WITH, objectType, id, null, null, end);
        };
    }

    private boolean sameObject(int path, String objectType, String objectId) {
        if (!types[type(path)].equals(objectType)) {
            return false;
        }
        int start = idStart(path);
        int length = idStart(path + 1) - start;
        if (objectId.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (objectId.charAt(i) != (idBytes[start + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static int hash(int typeHash, int idHash) {
        int h = typeHash * 31 + idHash;
        return h ^ (h >>> 16);
    }

    private static long micros(long second, int nano) {
        if (second >= Long.MAX_VALUE / 1_000_000L) {
            return FOREVER - 1;
        }
        if (second <= Long.MIN_VALUE / 1_000_000L) {
            return Long.MIN_VALUE;
        }
        return second * 1_000_000L + nano / 1_000;
    }

    private static long micros(@Nullable Instant instant) {
        return instant == null ? FOREVER : micros(instant.getEpochSecond(), instant.getNano());
    }

    /**
     * Collects a subject's tuples; only those that make the subject an assignee are kept:
     * {@code assigned_*} and {@code shared_with} of the subject, {@code care_team} of their teams.
     */
    public static final class Builder {
        private final String tenant;
        private final String subject;
        private final List<Entry> entries = new ArrayList<>();

        private record Entry(String type, String id, long until, byte kind, String relation, @Nullable String team,
                @Nullable String teamName) {}

        private Builder(String tenant, String subject) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            this.subject = Objects.requireNonNull(subject, "subject");
        }

        /**
         * The subject's own tuple {@code subject relation type:id}, in force until {@code until}
         * (forever when null). Kept when the relation is {@code assigned_…} or {@code shared_with}.
         */
        public Builder tuple(String relation, String type, String id, @Nullable Instant until) {
            if (relation.equals(SHARED_WITH)) {
                add(new Entry(type, id, micros(until), SHARED, relation, null, null));
            } else if (relation.startsWith(ASSIGNED_PREFIX) && relation.length() > ASSIGNED_PREFIX.length()) {
                add(new Entry(type, id, micros(until), ASSIGNED, relation, null, null));
            }
            return this;
        }

        /**
         * A tuple {@code careteam:team relation type:id} of a care team the subject is a member of until
         * {@code memberUntil}, itself in force until {@code until} (either forever when null): the path
         * holds while both do. Kept when the relation is {@code care_team}.
         */
        public Builder throughCareTeam(String team, String teamName, @Nullable Instant memberUntil, String relation,
                String type, String id, @Nullable Instant until) {
            if (relation.equals(CARE_TEAM)) {
                add(new Entry(type, id, Math.min(micros(memberUntil), micros(until)), TEAM, relation,
                        Objects.requireNonNull(team, "team"), Objects.requireNonNull(teamName, "teamName")));
            }
            return this;
        }

        private void add(Entry entry) {
            Objects.requireNonNull(entry.type(), "type");
            Objects.requireNonNull(entry.id(), "id");
            for (int i = 0; i < entry.id().length(); i++) {
                if (entry.id().charAt(i) > 0xff) {
                    throw new IllegalArgumentException("object ids are Latin-1 text: " + entry.id());
                }
            }
            entries.add(entry);
        }

        public SubjectRelations build() {
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparing(Entry::type).thenComparing(Entry::id)
                    .thenComparing(Comparator.comparingLong(Entry::until).reversed()));
            int n = sorted.size();
            Map<String, Short> typeIndex = new HashMap<>();
            List<String> types = new ArrayList<>();
            Map<String, Integer> nameIndex = new HashMap<>();
            List<String> names = new ArrayList<>();
            int[] idStart = new int[n + 1];
            int bytes = 0;
            for (Entry entry : sorted) {
                bytes += entry.id().length();
            }
            byte[] idBytes = new byte[bytes];
            long[] until = new long[n];
            byte[] kind = new byte[n];
            short[] type = new short[n];
            int[] via = new int[n];
            int capacity = n == 0 ? 0 : Integer.highestOneBit(Math.max(2, n * 2 - 1)) << 1;
            int[] table = new int[capacity];
            int at = 0;
            for (int i = 0; i < n; i++) {
                Entry entry = sorted.get(i);
                idStart[i] = at;
                for (int c = 0; c < entry.id().length(); c++) {
                    idBytes[at++] = (byte) entry.id().charAt(c);
                }
                until[i] = entry.until();
                kind[i] = entry.kind();
                Short known = typeIndex.get(entry.type());
                if (known == null) {
                    if (types.size() == Short.MAX_VALUE) {
                        throw new IllegalArgumentException("more than " + Short.MAX_VALUE + " object types");
                    }
                    known = (short) types.size();
                    typeIndex.put(entry.type(), known);
                    types.add(entry.type());
                }
                type[i] = known;
                if (entry.kind() == ASSIGNED) {
                    via[i] = nameIndex.computeIfAbsent(entry.relation(), name -> {
                        names.add(name);
                        return names.size() - 1;
                    });
                } else if (entry.kind() == TEAM) {
                    via[i] = nameIndex.computeIfAbsent("careteam:" + entry.team(), name -> {
                        names.add(entry.team());
                        names.add(entry.teamName());
                        return names.size() - 2;
                    });
                }
                boolean firstOfObject = i == 0 || !sorted.get(i - 1).type().equals(entry.type())
                        || !sorted.get(i - 1).id().equals(entry.id());
                if (firstOfObject) {
                    int mask = capacity - 1;
                    int slot = hash(entry.type().hashCode(), entry.id().hashCode()) & mask;
                    while (table[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    table[slot] = i + 1;
                }
            }
            idStart[n] = at;
            return new SubjectRelations(tenant, subject, types.toArray(String[]::new), names.toArray(String[]::new),
                    idStart, idBytes, until, kind, type, via, table);
        }
    }
}
