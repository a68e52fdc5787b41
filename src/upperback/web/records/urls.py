from django.urls import path

from . import progress, report, views, visitor, wizard

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
    path("assessments/", views.my_assessments, name="my_assessments"),
    path("assessments/<int:assessment_id>/", views.result, name="result"),
    path(
        "assessments/<int:assessment_id>/answer/<slug:step>/",
        wizard.intake_reopen,
        name="intake_reopen",
    ),
    path("progress/", progress.progress, name="progress"),
    path("progress/report.pdf", report.my_report, name="my_report"),
    path("clinic/queue/", views.queue, name="queue"),
    path("clinic/assessments/<int:assessment_id>/", views.review, name="review"),
    path("clinic/patients/<int:patient_id>/fhir.json", views.fhir_export, name="fhir_export"),
    path(
        "clinic/assessments/<int:assessment_id>/report.pdf",
        report.consultation_report,
        name="consultation_report",
    ),
]
