"""The clinic's staff read records in the admin; the audit log is read-only there."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .access import audit
from .models import AssessmentRecord, AuditEvent, IntakeDraft, Override, ProgressEntry


class PatientDataAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Patient data in the admin: read only, since writes go through the actions (an override
    needs a reason and keeps the engine's answer), and every record shown is audited, as the
    access door audits the pages."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _audit(self, request: HttpRequest, obj: Any) -> None:
        audit(
            request.user,
            purpose=f"admin.{self.opts.model_name}",
            patient=obj.patient,
            obj=obj,
            allowed=True,
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is not None:
            self._audit(request, found)
        return found

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        listing = (getattr(response, "context_data", None) or {}).get("cl")
        for shown in getattr(listing, "result_list", []):
            self._audit(request, shown)
        return response


class OverrideInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Override
    extra = 0
    readonly_fields = ("author", "created_at", "old_triage", "new_triage", "reason", "plan_note")
    can_delete = False


@admin.register(AssessmentRecord)
class AssessmentRecordAdmin(PatientDataAdmin):
    list_display = ("id", "patient", "triage", "current_triage", "knowledge_base", "created_at")
    list_filter = ("current_triage", "triage")
    search_fields = ("patient__email",)
    readonly_fields = ("patient", "intake", "assessment", "triage", "knowledge_base", "created_at")
    inlines = [OverrideInline]


@admin.register(IntakeDraft)
class IntakeDraftAdmin(PatientDataAdmin):
    list_display = ("id", "patient", "completed_steps", "stopped_for_emergency", "updated_at")


@admin.register(ProgressEntry)
class ProgressEntryAdmin(PatientDataAdmin):
    list_display = ("patient", "recorded_on", "pain_now")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action", "patient", "object_type", "object_id", "outcome")
    list_filter = ("outcome", "action")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
