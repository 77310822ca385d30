"""The sign-in event log, fed by the signals of every path that signs in, fails, locks out,
signs out, changes a password, deactivates an account or removes a role — the pages, the
admin, password reset, the shell. Connected in AccountsConfig.ready().

Where a change happens inside a request (the admin's user form, a password reset page), the
request is known from ``current_request`` (set by accounts.idle.IdleLockMiddleware), so the
event carries the address, the browser and, when someone else made it, the acting staff.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.http import HttpRequest

from accounts.models import AccountReview, SignInEventKind, UserSession
from accounts.services.events import record_event
from accounts.services.sessions import end_sessions, session_ended, session_started

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "accounts_current_request", default=None
)

# The sender of user_login_failed for a wrong second step (accounts.signin): that failure is
# recorded there, as SECOND_FACTOR_FAILED, not again here.
SECOND_STEP_SENDER = "accounts.second_factor"
# A view may say what the failed password was for (the lock page: "ロック解除").
FAILURE_DETAIL_ATTRIBUTE = "accounts_failure_detail"


def _request_and_actor(user: Any) -> tuple[HttpRequest | None, Any]:
    """The request in progress, and its signed-in user when that is someone else than
    ``user`` (the staff member acting on another account)."""
    request = current_request.get()
    actor = getattr(request, "user", None) if request is not None else None
    if actor is None or not actor.is_authenticated or actor.pk == getattr(user, "pk", None):
        actor = None
    return request, actor


def _user_named(username: str) -> Any:
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


# --- Sign-in, failure, lockout, sign-out --------------------------------------------------------
def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request, user)
    record_event(SignInEventKind.SIGNED_IN, user=user, request=request)


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if sender == SECOND_STEP_SENDER:
        return
    username = str(credentials.get("username") or "")[:150]
    record_event(
        SignInEventKind.FAILED,
        user=_user_named(username),
        username=username,
        request=request,
        detail=getattr(request, FAILURE_DETAIL_ATTRIBUTE, "") if request is not None else "",
    )


def on_user_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> None:
    username = str(username or "")[:150]
    record_event(
        SignInEventKind.LOCKED_OUT,
        user=_user_named(username),
        username=username,
        request=request,
        detail="パスワード等の誤りが続いたため一時停止",
    )


def on_user_logged_out(
    sender: Any, request: HttpRequest | None, user: Any = None, **kwargs: Any
) -> None:
    if user is None or request is None:
        return
    session_ended(request, user)


# --- Password changes and deactivation, whatever path saves the user ------------------------------
def on_user_pre_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Notice a deactivation before the row changes (one query, only when an inactive user
    is saved)."""
    instance._accounts_deactivating = False
    if instance.pk is None or instance.is_active or instance._state.adding:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._accounts_deactivating = (
        type(instance)._default_manager.filter(pk=instance.pk, is_active=True).exists()
    )


def on_user_post_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    request, actor = _request_and_actor(instance)
    # set_password() keeps the new raw password on the instance until the save that stores
    # it: every form (change, reset, the admin's), the changepassword command and create_user.
    if getattr(instance, "_password", None) is not None:
        record_event(
            SignInEventKind.PASSWORD_CHANGED,
            user=instance,
            request=request,
            actor=actor,
            detail="アカウント作成時に設定" if created else "",
        )
        if not created:
            # Django already refuses the other sessions (their hash no longer matches); ending
            # them lists them as ended too. The session of the user's own request stays.
            own = request is not None and getattr(request.user, "pk", None) == instance.pk
            end_sessions(instance, except_session_key=request.session.session_key if own else None)
    if getattr(instance, "_accounts_deactivating", False):
        instance._accounts_deactivating = False
        # The sessions were ended by the trigger on auth_user in the same statement.
        record_event(
            SignInEventKind.DEACTIVATED,
            user=instance,
            request=request,
            actor=actor,
            detail="利用者の編集で無効化（サインイン中のセッションも終了）",
        )


# --- Roles removed ----------------------------------------------------------------------------
def on_roles_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A role taken away (user.groups.remove/clear/set, or role.user_set…): the trigger on
    auth_user_groups ends the sessions; here the event is recorded, for users who had any."""
    if action not in ("pre_remove", "pre_clear", "post_remove", "post_clear"):
        return
    if action.startswith("pre_"):
        if reverse:  # instance is the role; pk_set the users (None for clear: all its users)
            user_ids = (
                set(pk_set)
                if pk_set is not None
                else set(instance.user_set.values_list("pk", flat=True))
            )
            role_names = [instance.name]
        else:  # instance is the user; pk_set the roles (None for clear: all of them)
            user_ids = {instance.pk}
            roles = Role.objects.filter(pk__in=pk_set) if pk_set is not None else instance.groups
            role_names = sorted(roles.values_list("name", flat=True))
        instance._accounts_roles_removed = (
            set(
                UserSession.objects.filter(user_id__in=user_ids)
                .values_list("user_id", flat=True)
                .distinct()
            ),
            role_names,
        )
        return
    signed_in, role_names = getattr(instance, "_accounts_roles_removed", (set(), []))
    instance._accounts_roles_removed = (set(), [])
    if not signed_in or not role_names:
        return
    for user in get_user_model()._default_manager.filter(pk__in=signed_in):
        request, actor = _request_and_actor(user)
        record_event(
            SignInEventKind.SESSIONS_ENDED,
            user=user,
            request=request,
            actor=actor,
            detail=f"役割「{'・'.join(role_names)}」を外したため",
        )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_save, pre_save

    user_model = get_user_model()
    user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts_signed_in")
    user_login_failed.connect(on_user_login_failed, dispatch_uid="accounts_sign_in_failed")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="accounts_signed_out")
    user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts_locked_out")
    # The access review's proxy too: a save sends the class saved as the sender.
    for model in (user_model, AccountReview):
        label = model._meta.label_lower
        pre_save.connect(on_user_pre_save, sender=model, dispatch_uid=f"accounts_pre_{label}")
        post_save.connect(on_user_post_save, sender=model, dispatch_uid=f"accounts_post_{label}")
    m2m_changed.connect(
        on_roles_changed, sender=user_model.groups.through, dispatch_uid="accounts_roles"
    )
