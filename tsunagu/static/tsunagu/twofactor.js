// After a passkey is registered (django-otp-webauthn's script sends this event), go to the page that shows
// the recovery codes. Served from our origin: the Content-Security-Policy allows no inline script.
document.addEventListener("otp_webauthn.register_complete", function () {
  var target = document.querySelector("[data-after-passkey]");
  if (target) {
    window.location.href = target.getAttribute("data-after-passkey");
  }
});
