// Passkeys (issue 15): a <form data-passkey="create|get" data-passkey-options="URL"> asks the server for
// the ceremony's options (posting the form's own fields, its CSRF token among them), lets the browser
// make or use a passkey (navigator.credentials), puts the answer in the form's hidden fields
// "challengeId" and "credential", and sends the form. A static file: the CSP forbids inline script.
(function () {
  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      out[i] = text.charCodeAt(i);
    }
    return out.buffer;
  }

  function base64url(buffer) {
    var view = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < view.length; i++) {
      text += String.fromCharCode(view[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return { type: d.type, id: bytes(d.id), transports: d.transports };
    });
  }

  function creation(o) {
    return {
      challenge: bytes(o.challenge), rp: o.rp,
      user: { id: bytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
      pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout,
      excludeCredentials: descriptors(o.excludeCredentials),
      authenticatorSelection: o.authenticatorSelection, attestation: o.attestation
    };
  }

  function request(o) {
    return {
      challenge: bytes(o.challenge), rpId: o.rpId, timeout: o.timeout,
      allowCredentials: descriptors(o.allowCredentials), userVerification: o.userVerification
    };
  }

  function answer(credential) {
    var r = credential.response;
    var response = { clientDataJSON: base64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = base64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = base64url(r.authenticatorData);
      response.signature = base64url(r.signature);
      if (r.userHandle) {
        response.userHandle = base64url(r.userHandle);
      }
    }
    return JSON.stringify({
      id: credential.id, rawId: base64url(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: response, clientExtensionResults: credential.getClientExtensionResults()
    });
  }

  function tell(form, text) {
    var status = form.querySelector("[data-passkey-status]");
    if (status) {
      status.textContent = text;
      status.hidden = false;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-passkey]");
    if (!form || form.elements.credential.value) {
      return;
    }
    event.preventDefault();
    if (!window.PublicKeyCredential) {
      tell(form, "This browser cannot use passkeys.");
      return;
    }
    var copy = form.getAttribute("data-passkey-copy");
    if (copy && form.elements[copy] && document.getElementById(copy)) {
      form.elements[copy].value = document.getElementById(copy).value;
    }
    var create = form.getAttribute("data-passkey") === "create";
    fetch(form.getAttribute("data-passkey-options"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          throw new Error(problem.detail || "Passkeys are not available here.");
        });
      }
      return response.json();
    }).then(function (options) {
      form.elements.challengeId.value = options.challengeId;
      return create ? navigator.credentials.create({ publicKey: creation(options.publicKey) })
        : navigator.credentials.get({ publicKey: request(options.publicKey) });
    }).then(function (credential) {
      form.elements.credential.value = answer(credential);
      form.submit();
    }).catch(function (error) {
      tell(form, error && error.name === "NotAllowedError" ? "No passkey was used." : (error.message || String(error)));
    });
  });
})();
