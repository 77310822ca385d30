"""Sign-in pages (mounted at /accounts/ by kyodo_center.urls, after login and logout).

Everything under /accounts/second-factor/ and /accounts/passkeys/ is reachable with the
password alone (accounts.middleware lets it through); the rest needs the second step."""

from django.urls import path

from accounts import passkeys, session_views, views

app_name = "accounts"

urlpatterns = [
    # The second step, enrolment and the recovery codes shown once.
    path("second-factor/", views.SecondFactorView.as_view(), name="second_factor"),
    path("second-factor/setup/", views.SetupView.as_view(), name="setup"),
    path("second-factor/setup/app/", views.AppSetupView.as_view(), name="setup_app"),
    path(
        "second-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "second-factor/recovery-codes/download/",
        views.RecoveryCodesDownloadView.as_view(),
        name="recovery_codes_download",
    ),
    # Passkeys (django-otp-webauthn's ceremonies, JSON; static/js/passkeys.js).
    path(
        "passkeys/registration/begin/",
        passkeys.PasskeyRegistrationBeginView.as_view(),
        name="passkey_register_begin",
    ),
    path(
        "passkeys/registration/complete/",
        passkeys.PasskeyRegistrationCompleteView.as_view(),
        name="passkey_register_complete",
    ),
    path(
        "passkeys/authentication/begin/",
        passkeys.PasskeyAuthenticationBeginView.as_view(),
        name="passkey_auth_begin",
    ),
    path(
        "passkeys/authentication/complete/",
        passkeys.PasskeyAuthenticationCompleteView.as_view(),
        name="passkey_auth_complete",
    ),
    # The user's own security page.
    path("security/", views.SecurityView.as_view(), name="security"),
    path("security/remove/", views.DeviceRemoveView.as_view(), name="device_remove"),
    path(
        "security/recovery-codes/",
        views.RecoveryCodesNewView.as_view(),
        name="recovery_codes_new",
    ),
    # Signed-in sessions: the idle lock, the form kept while locked, sign out everywhere.
    path("lock/", session_views.LockView.as_view(), name="lock"),
    path("lock/resume/", session_views.ResumeView.as_view(), name="lock_resume"),
    path("sessions/", session_views.SessionsView.as_view(), name="sessions"),
]
