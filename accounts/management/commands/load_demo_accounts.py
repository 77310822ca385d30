"""Demo data of the accounts app: each demo staff and operator user gets an authenticator app
(TOTP) whose secret is fixed and listed in the README beside the passwords, so a person (an
authenticator app) or a script (``pyotp.TOTP(secret).now()``) can pass the second step on a
local demo server. Local use only, like the passwords."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services.factors import TOTP_NAME
from kyodo_center.history import HistoryCommand

# username -> base32 secret (as an authenticator app takes it). The users come from load_demo.
DEMO_TOTP_SECRETS = {
    "admin": "DEMOADMINKYODOCENTERTOTPSECRETAA",
    "kuyakusho": "DEMOKUYAKUSHOKYODOCENTERTOTPAAAA",
    "madoguchi": "DEMOMADOGUCHIKYODOCENTERTOTPAAAA",
    "unei": "DEMOUNEIKYODOCENTERTOTPSECRETAAA",
}
DEMO_DEVICE_NAME = f"{TOTP_NAME}（デモ）"


class Command(HistoryCommand):
    help = (
        "デモの職員・運営団体ユーザーに、README に載せた秘密鍵の認証アプリを登録します"
        "（何度でも実行可）。"
    )

    # The demo users are made by load_demo itself, before any app's command.
    demo_after: tuple[str, ...] = ()

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects.filter(username__in=DEMO_TOTP_SECRETS)
        for user in users:
            key = b32decode(DEMO_TOTP_SECRETS[user.username]).hex()
            device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
            if device is None:
                TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
            elif device.key != key or not device.confirmed:
                device.key, device.confirmed = key, True
                device.save(update_fields=["key", "confirmed"])
        self.stdout.write(f"認証アプリ（TOTP）: デモ職員 {users.count()} 人（秘密鍵は README）")
