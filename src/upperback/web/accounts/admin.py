import contextlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor, throttle
from .forms import ThrottledAdminLoginForm
from .models import LoginThrottle, RecoveryCodes, User

# The admin's login goes through the same throttle as the app's login.
admin.site.login_form = ThrottledAdminLoginForm


@admin.register(User)
class ClinicUserAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active", "login_locked")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "role", "preferred_language")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    actions = ["unlock_login", "send_enrolment_link"]

    @admin.action(description="Email a second-factor set-up link (staff without one)")
    def send_enrolment_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for user in queryset:
            if second_factor.needs_second_factor(user) and not second_factor.has_authenticator(
                user
            ):
                second_factor.send_enrolment_link(user=user, absolute=request.build_absolute_uri)
                sent += 1
        self.message_user(
            request,
            f"Set-up link emailed to {sent} account(s) (only staff with no authenticator get one).",
            messages.SUCCESS,
        )

    @admin.display(description="Login locked until")
    def login_locked(self, user: User) -> str:
        until = throttle.locked_until(user.email)
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "—"

    @admin.action(description="Unlock login (every source and device; audited)")
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor: Any = request.user
        cleared = sum(
            1
            for user in queryset
            if throttle.unlock_address(user.email, actor_id=actor.pk, why="admin")
        )
        self.message_user(request, f"Login unlocked for {cleared} account(s).", messages.SUCCESS)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The counts and locks (digests only): a source's lock is cleared here."""

    list_display = ("kind", "key", "failures", "locked_until", "lockouts", "window_started")
    list_filter = ("kind",)
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cleared through the audited action only

    @admin.action(description="Unlock (audited)", permissions=["view"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        actor: Any = request.user
        keys = list(queryset.values_list("key", flat=True))
        cleared = throttle.unlock_keys(keys, actor_id=actor.pk, why="admin")
        self.message_user(request, f"{cleared} lock(s) cleared.", messages.SUCCESS)


# django-otp's own admin pages show each authenticator's secret (and a QR code of it) and
# every unused recovery code: replaced by pages that show neither. An admin may delete a lost
# phone's authenticator (its owner then needs a new set-up link), never read or add one.
for model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)


class _DeviceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display: tuple[str, ...] = ("user", "name", "confirmed")
    fields = ("user", "name", "confirmed")
    readonly_fields = ("user", "name", "confirmed")
    search_fields = ("user__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TOTPDevice)
class AuthenticatorAdmin(_DeviceAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")


@admin.register(RecoveryCodes)
class RecoveryCodesAdmin(_DeviceAdmin):
    list_display = ("user", "name", "unused")

    @admin.display(description="unused codes")
    def unused(self, device: RecoveryCodes) -> int:
        return int(device.codes.count())
