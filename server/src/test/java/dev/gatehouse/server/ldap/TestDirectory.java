package dev.gatehouse.server.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.gatehouse.server.testing.OwnServer;
import dev.gatehouse.server.testing.TestDns;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory for the tests: UnboundID's in-memory LDAP server on 127.0.0.1 (reached as
 * {@link TestDns#RECEIVER}, which the tests' operator allows), without a schema so that OpenLDAP's
 * and Active Directory's attributes (memberOf, sAMAccountName, objectGUID, userAccountControl) may
 * sit side by side. Its port stays the same across {@link #stop()} and {@link #start()}.
 */
final class TestDirectory implements AutoCloseable {

    static final String BASE = "dc=clinic,dc=test";
    static final String PEOPLE = "ou=people," + BASE;
    static final String GROUPS = "ou=groups," + BASE;
    static final String SERVICE_DN = "cn=gatehouse-sync,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "the sync account's directory password";

    private final InMemoryDirectoryServer server;
    private final int port;

    private TestDirectory(InMemoryDirectoryServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static TestDirectory started() {
        try {
            int port = OwnServer.freePort();
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
            config.setSchema(null);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                    InetAddress.getByName("127.0.0.1"), port, null));
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            server.add("dn: " + BASE, "objectClass: domain", "dc: clinic");
            server.add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
            server.add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
            server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
            server.add("dn: " + SERVICE_DN, "objectClass: person", "cn: gatehouse-sync", "sn: sync",
                    "userPassword: " + SERVICE_PASSWORD);
            server.startListening();
            return new TestDirectory(server, port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL Gatehouse is given: the allowed test name, this directory's port. */
    String url() {
        return "ldap://" + TestDns.RECEIVER + ":" + port;
    }

    String url(String host) {
        return "ldap://" + host + ":" + port;
    }

    static String dnOf(String uid) {
        return "uid=" + uid + "," + PEOPLE;
    }

    static String groupDn(String group) {
        return "cn=" + group + "," + GROUPS;
    }

    /** An OpenLDAP-style person with a password, in {@code groups} (memberOf, and member of each group). */
    void person(String uid, String firstName, String lastName, String mail, String password, String... groups) {
        List<Attribute> attributes = new ArrayList<>(List.of(new Attribute("objectClass", "inetOrgPerson", "person"),
                new Attribute("uid", uid), new Attribute("cn", firstName + " " + lastName),
                new Attribute("givenName", firstName), new Attribute("sn", lastName), new Attribute("mail", mail),
                new Attribute("userPassword", password)));
        if (groups.length > 0) {
            attributes.add(new Attribute("memberOf", java.util.Arrays.stream(groups).map(TestDirectory::groupDn)
                    .toList()));
        }
        add(dnOf(uid), attributes);
        for (String group : groups) {
            joinGroup(uid, group);
        }
    }

    /** An Active Directory-style person: sAMAccountName, a binary objectGUID, userAccountControl. */
    void adPerson(String cn, String samAccountName, byte[] objectGuid, int userAccountControl, String password,
            String... groups) {
        List<Attribute> attributes = new ArrayList<>(List.of(new Attribute("objectClass", "user", "person"),
                new Attribute("cn", cn), new Attribute("sAMAccountName", samAccountName),
                new Attribute("objectGUID", objectGuid), new Attribute("givenName", cn.split(" ")[0]),
                new Attribute("sn", cn.split(" ")[1]),
                new Attribute("userPrincipalName", samAccountName + "@clinic.test"),
                new Attribute("userAccountControl", String.valueOf(userAccountControl)),
                new Attribute("userPassword", password)));
        if (groups.length > 0) {
            attributes.add(new Attribute("memberOf", java.util.Arrays.stream(groups).map(TestDirectory::groupDn)
                    .toList()));
        }
        add("cn=" + cn + "," + PEOPLE, attributes);
    }

    /** Adds the person to a groupOfNames (made on first use), by DN. */
    void joinGroup(String uid, String group) {
        try {
            if (server.getEntry(groupDn(group)) == null) {
                server.add("dn: " + groupDn(group), "objectClass: groupOfNames", "cn: " + group);
            }
            server.modify(groupDn(group), new Modification(ModificationType.ADD, "member", dnOf(uid)));
        } catch (LDAPException | com.unboundid.ldif.LDIFException e) {
            throw new IllegalStateException(e);
        }
    }

    void replace(String dn, String attribute, String... values) {
        try {
            server.modify(dn, new Modification(ModificationType.REPLACE, attribute, values));
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    void remove(String dn) {
        try {
            server.delete(dn);
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops answering, as a directory that is down: connects are refused. */
    void stop() {
        server.shutDown(true);
    }

    void start() {
        try {
            server.startListening();
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    private void add(String dn, List<Attribute> attributes) {
        try {
            server.add(dn, attributes);
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
