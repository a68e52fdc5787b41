"""Care's pages, in the "records" URL namespace (joined with the intake's in web/urls.py)."""

from django.urls import path

from . import progress, report, views

urlpatterns = [
    path("assessments/", views.my_assessments, name="my_assessments"),
    path("assessments/<int:assessment_id>/", views.result, name="result"),
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
