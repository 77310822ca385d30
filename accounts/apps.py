from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in: the second factor, staff sessions (idle lock, sign out everywhere), the sign-in
    event log and the yearly access review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "アカウント・サインイン"

    def ready(self) -> None:
        from accounts import checks  # noqa: F401 (registers the session-engine check)
        from accounts.signals import connect

        # The sign-in event log and the tracked sessions (accounts.signals).
        connect()
