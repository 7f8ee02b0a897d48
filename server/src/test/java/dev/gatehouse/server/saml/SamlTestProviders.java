package dev.gatehouse.server.saml;

/** Tests of other packages: the metadata of a SAML identity provider that a tenant may register ({@link TestIdp}). */
public final class SamlTestProviders {

    private SamlTestProviders() {}

    /** A new IdP's metadata XML, its signing certificate inline. */
    public static String metadata() {
        return new TestIdp().metadata();
    }
}
