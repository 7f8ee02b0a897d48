package dev.gatehouse.server.ldap;

import dev.gatehouse.server.outbound.Destination;
import dev.gatehouse.server.outbound.OutboundGuard;
import dev.gatehouse.server.outbound.RefusedDestination;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.naming.InvalidNameException;
import javax.naming.directory.DirContext;
import javax.naming.directory.SearchControls;
import javax.naming.ldap.LdapName;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.ldap.AuthenticationException;
import org.springframework.ldap.InvalidSearchFilterException;
import org.springframework.ldap.NameNotFoundException;
import org.springframework.ldap.NamingException;
import org.springframework.ldap.control.PagedResultsDirContextProcessor;
import org.springframework.ldap.core.DirContextAdapter;
import org.springframework.ldap.core.LdapTemplate;
import org.springframework.ldap.core.ContextMapper;
import org.springframework.ldap.core.support.DefaultTlsDirContextAuthenticationStrategy;
import org.springframework.ldap.core.support.LdapContextSource;
import org.springframework.ldap.core.support.SingleContextSource;
import org.springframework.ldap.filter.AndFilter;
import org.springframework.ldap.filter.EqualsFilter;
import org.springframework.ldap.filter.HardcodedFilter;
import org.springframework.ldap.support.LdapUtils;
import org.springframework.stereotype.Component;

/**
 * Reads a tenant's directory through Spring LDAP: every connection to the address the outbound guard
 * checked just before ({@link PinnedSockets}), without pooling (each call connects and checks again: DNS
 * answers change) and without following referrals (they could lead anywhere). Values a person types
 * reach a filter only through Spring LDAP's {@link EqualsFilter}, which escapes them (RFC 4515 §3).
 */
@Component
class Directory {

    /** Entries per page of a search (RFC 2696 paged results; AD answers at most 1,000 per page). */
    static final int PAGE_SIZE = 500;
    /** A sync reads at most this many people: past that it fails rather than exhaust the memory. */
    static final int MAX_PEOPLE = 200_000;

    private static final int ACCOUNT_DISABLED = 0x2;

    /** Spring LDAP hands each found entry over as a DirContextAdapter (its default object factory). */
    private static final ContextMapper<DirContextAdapter> ENTRY = found -> (DirContextAdapter) found;

    private final OutboundGuard guard;
    private final Duration readTimeout;

    Directory(OutboundGuard guard, @Value("${gatehouse.ldap.read-timeout:PT30S}") Duration readTimeout) {
        this.guard = guard;
        this.readTimeout = readTimeout;
    }

    /**
     * Where {@code url} may be reached, checked by the outbound guard as {@code https} when the
     * connection is encrypted (ldaps, StartTLS) and as plain {@code http} when not: a bind password in
     * the clear goes only to a host the operator allows.
     */
    Destination destination(String url, boolean startTls) throws RefusedDestination {
        URI uri = URI.create(url);
        boolean ldaps = uri.getScheme().equalsIgnoreCase("ldaps");
        int port = uri.getPort() >= 0 ? uri.getPort() : ldaps ? 636 : 389;
        String hostAndPort = uri.getHost() + ":" + port + "/";
        Destination checked = guard.check("https://" + hostAndPort);
        if (ldaps || startTls) {
            return checked;
        }
        try {
            return guard.check("http://" + hostAndPort);
        } catch (RefusedDestination e) {
            throw new RefusedDestination("must use ldaps:// or startTls: plain ldap only to hosts the operator allows"
                    + " in GATEHOUSE_OUTBOUND_ALLOW");
        }
    }

    /**
     * What a save checks: the service account binds, and a search of the people with the settings'
     * base and filter is accepted (one entry is enough). The failure names the setting.
     */
    void check(DirectorySettings settings) throws DirectoryFailure {
        connected(settings, template -> {
            SearchControls controls = controls(settings.personAttributes());
            controls.setCountLimit(1);
            template.search(settings.userBaseDn(), settings.userFilter(), controls, ENTRY);
            return null;
        });
    }

    /** Everyone the settings select, with their groups; fails as a whole (a sync then changes nobody). */
    List<DirectoryEntry> people(DirectorySettings settings) throws DirectoryFailure {
        return connected(settings, template -> {
            List<DirContextAdapter> found = search(template, settings.userBaseDn(), settings.userFilter(),
                    settings.personAttributes());
            Map<Object, List<String>> groupsByMember = settings.searchesGroups()
                    ? groupsByMember(template, settings) : Map.of();
            List<DirectoryEntry> people = new ArrayList<>(found.size());
            for (DirContextAdapter entry : found) {
                people.add(entry(settings, entry, groupsByMember));
            }
            return people;
        });
    }

    /**
     * The one person whose username attribute is {@code username} (escaped: {@code *} and parentheses
     * are matched as themselves), or empty when none or more than one matches.
     */
    Optional<DirectoryEntry> person(DirectorySettings settings, String username) throws DirectoryFailure {
        return connected(settings, template -> {
            AndFilter filter = new AndFilter().and(new HardcodedFilter(settings.userFilter()))
                    .and(new EqualsFilter(settings.usernameAttribute(), username));
            SearchControls controls = controls(settings.personAttributes());
            controls.setCountLimit(2);
            List<DirContextAdapter> found = template.search(settings.userBaseDn(), filter.encode(), controls,
                    ENTRY);
            return found.size() == 1 ? Optional.of(entry(settings, found.getFirst(), Map.of())) : Optional.empty();
        });
    }

    /**
     * Whether the directory accepts {@code password} for {@code dn} (a simple bind as the person). An
     * empty password is refused here: RFC 4513 §5.1.2's unauthenticated bind succeeds without one.
     */
    boolean binds(DirectorySettings settings, String dn, String password) throws DirectoryFailure {
        if (password.isEmpty() || dn.isEmpty()) {
            return false;
        }
        Destination destination = destination(settings);
        LdapContextSource source = source(settings, destination);
        try {
            return PinnedSockets.pinned(destination, settings.ldaps(), () -> {
                DirContext context = source.getContext(dn, password);
                LdapUtils.closeContext(context);
                return true;
            });
        } catch (AuthenticationException e) {
            return false;
        } catch (NamingException e) {
            throw failure(e);
        }
    }

    private interface Work<T> {
        T run(LdapTemplate template);
    }

    private <T> T connected(DirectorySettings settings, Work<T> work) throws DirectoryFailure {
        Destination destination = destination(settings);
        LdapContextSource source = source(settings, destination);
        try {
            return PinnedSockets.pinned(destination, settings.ldaps(),
                    () -> SingleContextSource.doWithSingleContext(source, operations -> {
                        LdapTemplate template = (LdapTemplate) operations;
                        // AD answers a search from a domain's root with referrals to other partitions, which
                        // are not followed: what this directory holds is the answer.
                        template.setIgnorePartialResultException(true);
                        return work.run(template);
                    }));
        } catch (NamingException e) {
            throw failure(e);
        }
    }

    private Destination destination(DirectorySettings settings) throws DirectoryFailure {
        try {
            return destination(settings.url(), settings.startTls());
        } catch (RefusedDestination e) {
            throw new DirectoryFailure("config.url", e.reason(), e);
        }
    }

    private LdapContextSource source(DirectorySettings settings, Destination destination) {
        LdapContextSource source = new LdapContextSource();
        String host = destination.host().contains(":") ? "[" + destination.host() + "]" : destination.host();
        source.setUrl((settings.ldaps() ? "ldaps://" : "ldap://") + host + ":" + destination.port());
        source.setUserDn(settings.bindDn());
        source.setPassword(settings.bindPassword());
        source.setPooled(false);
        source.setReferral("ignore");
        source.setCacheEnvironmentProperties(false);
        Map<String, Object> environment = new HashMap<>();
        environment.put("java.naming.ldap.factory.socket", PinnedSockets.class.getName());
        environment.put("com.sun.jndi.ldap.read.timeout", String.valueOf(readTimeout.toMillis()));
        // AD's objectGUID is 16 bytes, not text.
        environment.put("java.naming.ldap.attributes.binary", "objectGUID");
        source.setBaseEnvironmentProperties(environment);
        if (settings.startTls()) {
            source.setAuthenticationStrategy(new DefaultTlsDirContextAuthenticationStrategy());
        }
        source.afterPropertiesSet();
        return source;
    }

    private static SearchControls controls(List<String> attributes) {
        SearchControls controls = new SearchControls();
        controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
        controls.setReturningAttributes(attributes.toArray(String[]::new));
        controls.setReturningObjFlag(true);
        return controls;
    }

    /** Every entry under {@code base} matching {@code filter}, page by page. */
    private static List<DirContextAdapter> search(LdapTemplate template, String base, String filter,
            List<String> attributes) {
        SearchControls controls = controls(attributes);
        PagedResultsDirContextProcessor pages = new PagedResultsDirContextProcessor(PAGE_SIZE);
        List<DirContextAdapter> found = new ArrayList<>();
        do {
            found.addAll(template.search(base, filter, controls, ENTRY, pages));
            if (found.size() > MAX_PEOPLE) {
                throw new org.springframework.ldap.SizeLimitExceededException(
                        new javax.naming.SizeLimitExceededException("more than " + MAX_PEOPLE + " entries"));
            }
        } while (pages.hasMore());
        return found;
    }

    /** Group names (DN and common name) by member: the member's DN as an {@link LdapName}, or a memberUid. */
    private static Map<Object, List<String>> groupsByMember(LdapTemplate template, DirectorySettings settings) {
        Map<Object, List<String>> byMember = new HashMap<>();
        for (DirContextAdapter group : search(template, settings.groupBaseDn(), settings.groupFilter(),
                List.of("cn", "member", "uniqueMember", "memberUid"))) {
            List<String> names = groupNames(group.getNameInNamespace());
            for (String attribute : List.of("member", "uniqueMember")) {
                for (String member : values(group, attribute)) {
                    Object key = name(member);
                    if (key != null) {
                        byMember.computeIfAbsent(key, k -> new ArrayList<>()).addAll(names);
                    }
                }
            }
            for (String uid : values(group, "memberUid")) {
                byMember.computeIfAbsent(uid.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(names);
            }
        }
        return byMember;
    }

    private static DirectoryEntry entry(DirectorySettings settings, DirContextAdapter entry,
            Map<Object, List<String>> groupsByMember) {
        String dn = entry.getNameInNamespace();
        String username = first(entry, settings.usernameAttribute());
        Set<String> groups = new LinkedHashSet<>();
        if (settings.groupAttribute() != null) {
            for (String group : values(entry, settings.groupAttribute())) {
                groups.addAll(groupNames(group));
            }
        } else if (!groupsByMember.isEmpty()) {
            Object key = name(dn);
            if (key != null) {
                groups.addAll(groupsByMember.getOrDefault(key, List.of()));
            }
            if (username != null) {
                groups.addAll(groupsByMember.getOrDefault(username.toLowerCase(Locale.ROOT), List.of()));
            }
        }
        return new DirectoryEntry(dn, subject(entry, dn), username,
                settings.emailAttribute() == null ? null : first(entry, settings.emailAttribute()),
                settings.firstNameAttribute() == null ? null : first(entry, settings.firstNameAttribute()),
                settings.lastNameAttribute() == null ? null : first(entry, settings.lastNameAttribute()),
                List.copyOf(groups), disabled(settings, entry));
    }

    /** AD's objectGUID, entryUUID (RFC 4530), or else the DN (normalised: case and spaces do not count). */
    private static String subject(DirContextAdapter entry, String dn) {
        if (entry.getObjectAttribute("objectGUID") instanceof byte[] guid && guid.length == 16) {
            // AD writes a GUID's first three fields little-endian.
            ByteBuffer bytes = ByteBuffer.wrap(guid);
            long high = ((long) bytes.order(ByteOrder.LITTLE_ENDIAN).getInt(0) << 32)
                    | ((long) (bytes.getShort(4) & 0xffff) << 16) | (bytes.getShort(6) & 0xffff);
            long low = bytes.order(ByteOrder.BIG_ENDIAN).getLong(8);
            return new UUID(high, low).toString();
        }
        String entryUuid = first(entry, "entryUUID");
        if (entryUuid != null) {
            return entryUuid.toLowerCase(Locale.ROOT);
        }
        Object name = name(dn);
        return "dn:" + (name == null ? dn : name.toString()).toLowerCase(Locale.ROOT);
    }

    private static boolean disabled(DirectorySettings settings, DirContextAdapter entry) {
        String attribute = settings.disabledAttribute();
        if (attribute == null) {
            return false;
        }
        String value = first(entry, attribute);
        if (value == null) {
            return false;
        }
        if (attribute.equalsIgnoreCase("userAccountControl")) {
            try {
                return (Long.parseLong(value.strip()) & ACCOUNT_DISABLED) != 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return Set.of("true", "yes", "1").contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** A group as a mapping may name it: its DN, and the value of its first RDN (cn=Nurses,… → Nurses). */
    private static List<String> groupNames(String dn) {
        try {
            LdapName name = new LdapName(dn);
            if (name.isEmpty()) {
                return List.of(dn);
            }
            Object value = name.getRdn(name.size() - 1).getValue();
            return value instanceof String text ? List.of(dn, text) : List.of(dn);
        } catch (InvalidNameException e) {
            return List.of(dn);
        }
    }

    private static @Nullable LdapName name(String dn) {
        try {
            return new LdapName(dn);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static @Nullable String first(DirContextAdapter entry, String attribute) {
        String value = entry.getStringAttribute(attribute);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> values(DirContextAdapter entry, String attribute) {
        String[] values = entry.getStringAttributes(attribute);
        return values == null ? List.of() : List.of(values);
    }

    /** A Spring LDAP failure as the setting to look at and why. */
    private static DirectoryFailure failure(NamingException e) {
        Throwable cause = e.getCause();
        if (e instanceof AuthenticationException) {
            return new DirectoryFailure("config.bindDn", "the directory refused the bind (check bindDn and bindPassword)",
                    e);
        }
        if (e instanceof NameNotFoundException) {
            return new DirectoryFailure("config.userBaseDn", "the directory has no such entry: " + e.getExplanation(), e);
        }
        if (e instanceof InvalidSearchFilterException) {
            return new DirectoryFailure("config.userFilter", "the directory refused the filter", e);
        }
        if (e instanceof org.springframework.ldap.SizeLimitExceededException) {
            return new DirectoryFailure("config.userFilter", "selects more than " + MAX_PEOPLE + " entries", e);
        }
        if (e instanceof org.springframework.ldap.CommunicationException
                || e instanceof org.springframework.ldap.ServiceUnavailableException) {
            return new DirectoryFailure("config.url", "cannot reach the directory"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), e);
        }
        return new DirectoryFailure("config.url", "the directory answered with an error: " + e.getExplanation(), e);
    }
}
