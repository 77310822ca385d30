/* Passkeys (WebAuthn): register one at enrolment, or use one at the second step.
 *
 * A button [data-passkey="register" | "authenticate"] in a box [data-passkey-box] (hidden in the
 * page, shown here only when the browser has passkeys; without JavaScript the code form is
 * all there is). The button's data-begin-url and data-complete-url are django-otp-webauthn's
 * JSON endpoints (accounts/passkeys.py); data-next is carried to the page after. Messages are
 * Japanese (the library's own script has only a gettext catalog without Japanese). */
(function () {
  "use strict";

  var boxes = document.querySelectorAll("[data-passkey-box]");
  if (!boxes.length || !window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  var BROWSER_MESSAGES = {
    NotAllowedError: "パスキーの操作が取り消されたか、時間切れになりました。もう一度お試しください。",
    InvalidStateError: "このパスキーはすでに登録されています。別の端末かセキュリティキーを選んでください。",
    AbortError: "パスキーの操作が中断されました。もう一度お試しください。",
    SecurityError: "このアドレスではパスキーを使えません。システム管理者にお問い合わせください。",
    NotSupportedError: "このブラウザーまたは端末では、パスキーを使えません。認証アプリをお使いください。"
  };
  var FALLBACK = "パスキーを確認できませんでした。もう一度お試しください。";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      user: Object.assign({}, options.user, { id: toBuffer(options.user.id) }),
      excludeCredentials: withIds(options.excludeCredentials)
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBuffer(options.challenge),
      allowCredentials: withIds(options.allowCredentials)
    });
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : []
      }
    };
  }

  function authenticationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null
      }
    };
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        // django-axes answers a lockout in JSON to these, not with its page.
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.detail || FALLBACK);
          error.status = response.status;
          error.fromServer = true;
          throw error;
        }
        return data;
      });
    });
  }

  boxes.forEach(function (box) {
    var button = box.querySelector("[data-passkey]");
    var status = box.querySelector("[data-passkey-status]");
    if (!button) {
      return;
    }
    box.hidden = false;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("text-danger", Boolean(isError));
    }

    button.addEventListener("click", function () {
      var registering = button.dataset.passkey === "register";
      var next = button.dataset.next || "";
      var completeUrl = button.dataset.completeUrl + (next ? "?next=" + encodeURIComponent(next) : "");
      button.disabled = true;
      say(registering ? "パスキーの登録を待っています…" : "パスキーでの確認を待っています…", false);
      post(button.dataset.beginUrl)
        .then(function (options) {
          return registering
            ? navigator.credentials.create({ publicKey: creationOptions(options) })
            : navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (credential) {
          var body = registering ? registrationJSON(credential) : authenticationJSON(credential);
          return post(completeUrl, body);
        })
        .then(function (data) {
          say(registering ? "パスキーを登録しました。次のページへ移動します…" : "確認できました。移動します…", false);
          window.location.assign(data.redirect_url);
        })
        .catch(function (error) {
          button.disabled = false;
          if (error.status === 429) {
            window.location.reload(); // the page then says the login is locked for a while
            return;
          }
          say(error.fromServer ? error.message : BROWSER_MESSAGES[error.name] || FALLBACK, true);
        });
    });
  });
})();
