from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .forms import ThrottledAdminLoginForm
from .models import User

# The admin's login goes through the same per-address throttle as the app's login.
admin.site.login_form = ThrottledAdminLoginForm


@admin.register(User)
class ClinicUserAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
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
