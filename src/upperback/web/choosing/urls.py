from django.urls import path

from . import views

app_name = "choosing"

urlpatterns = [
    path("assessments/<int:assessment_id>/options/", views.options_page, name="options"),
    path("clinic/assessments/<int:assessment_id>/outcome/", views.outcome_page, name="outcome"),
    path("clinic/concordance/", views.concordance_page, name="concordance"),
]
