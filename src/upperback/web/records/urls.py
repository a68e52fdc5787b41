"""The intake's pages. The pages that read the patient's care (result, progress, reports,
queue, review) are care's (care/urls.py); both share the "records" URL namespace, joined in
web/urls.py, so links keep their names."""

from django.urls import path

from . import visitor, wizard

app_name = "records"

urlpatterns = [
    path("intake/", wizard.intake_start, name="intake"),
    path("intake/new/", wizard.intake_new, name="intake_new"),
    path("intake/<int:draft_id>/review/", wizard.intake_review, name="intake_review"),
    path("intake/<int:draft_id>/call-911/", wizard.intake_emergency, name="intake_emergency"),
    path("intake/<int:draft_id>/<slug:step>/", wizard.intake_step, name="intake_step"),
    # The warning signs before sign-up: a visitor's intake, kept in her session (visitor.py).
    path("check/call-911/", visitor.visitor_emergency, name="visitor_emergency"),
    path("check/result/", visitor.visitor_result, name="visitor_result"),
    path("check/forget/", visitor.visitor_forget, name="visitor_forget"),
    path("check/<slug:step>/", visitor.visitor_step, name="visitor_step"),
    path(
        "assessments/<int:assessment_id>/answer/<slug:step>/",
        wizard.intake_reopen,
        name="intake_reopen",
    ),
]
