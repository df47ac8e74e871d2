// Passkeys: registration (manage and enrol pages) and the second step (verify page).
// A static file, so the Content-Security-Policy keeps script-src 'self'. The server's JSON
// options are the WebAuthn JSON forms, which the browser parses itself.
(function () {
  "use strict";

  // The page's language: the template puts each message, translated, in a data-msg-* attribute.
  var messages = {};
  function text(key, english) { return messages[key] || english; }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.detail || text("refused", "The passkey was refused."));
        }
        return data;
      });
    });
  }

  function wire(button) {
    var status = document.getElementById(button.dataset.status);
    ["refused", "unsupported", "prompt", "added", "verified", "failed"].forEach(function (key) {
      var value = button.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)];
      if (value) { messages[key] = value; }
    });
    var csrf = button.dataset.csrfToken;
    var say = function (text) { if (status) { status.textContent = text; } };
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      button.disabled = true;
      say(text("unsupported", "This browser cannot use passkeys here; use an authenticator app code instead."));
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say(text("prompt", "Follow your browser's prompt…"));
      var register = button.dataset.mode === "register";
      post(button.dataset.beginUrl, csrf)
        .then(function (options) {
          return register
            ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
            : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        })
        .then(function (credential) {
          return post(button.dataset.completeUrl, csrf, credential.toJSON());
        })
        .then(function () {
          say(register ? text("added", "Passkey added.") : text("verified", "Verified."));
          window.location.assign(button.dataset.nextUrl);
        })
        .catch(function (error) {
          say(error && error.message ? error.message : text("failed", "The passkey did not work."));
          button.disabled = false;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-passkey]").forEach(wire);
  });
})();
