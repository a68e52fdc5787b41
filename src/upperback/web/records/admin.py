"""The clinic's staff read records in the admin; the audit log is read-only there."""

from django.contrib import admin

from .models import AssessmentRecord, AuditEvent, IntakeDraft, Override, ProgressEntry


class OverrideInline(admin.TabularInline):
    model = Override
    extra = 0
    readonly_fields = ("author", "created_at", "old_triage", "new_triage", "reason", "plan_note")
    can_delete = False


@admin.register(AssessmentRecord)
class AssessmentRecordAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "triage", "current_triage", "knowledge_base", "created_at")
    list_filter = ("current_triage", "triage")
    search_fields = ("patient__email",)
    readonly_fields = ("patient", "intake", "assessment", "triage", "knowledge_base", "created_at")
    inlines = [OverrideInline]


@admin.register(IntakeDraft)
class IntakeDraftAdmin(admin.ModelAdmin):
    list_display = ("id", "patient", "completed_steps", "stopped_for_emergency", "updated_at")


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ("patient", "recorded_on", "pain_now")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "patient", "object_type", "object_id", "outcome")
    list_filter = ("outcome", "action")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
