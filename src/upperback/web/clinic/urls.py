"""The clinic's pages, namespaced "clinic"."""

from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path("consultations/assessment/<int:assessment_id>/", views.book_for_assessment,
         name="book_for_assessment"),
]
