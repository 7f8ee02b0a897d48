package dev.gatehouse.server.saml;

import com.onelogin.saml2.authn.SamlResponse;
import com.onelogin.saml2.exception.SettingsException;
import com.onelogin.saml2.exception.ValidationError;
import com.onelogin.saml2.settings.Saml2Settings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathExpressionException;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * java-saml's response with one more reading: the AuthnContextClassRef of the signed assertion (how
 * the user proved who they are at the IdP), through the same signed-assertion query java-saml uses
 * for the NameID and attributes, so it cannot come from an unsigned element beside it.
 */
final class ReceivedResponse extends SamlResponse {

    ReceivedResponse(Saml2Settings settings, String acsUrl, String base64) throws XPathExpressionException,
            ParserConfigurationException, SAXException, IOException, SettingsException, ValidationError {
        super(settings, acsUrl, base64);
    }

    /** Call only after {@link #isValid(String)} answered true. */
    List<String> authnContextClasses() throws XPathExpressionException {
        NodeList nodes = queryAssertion("/saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef");
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            classes.add(nodes.item(i).getTextContent().strip());
        }
        return classes;
    }
}
