"""The clinic's pages, namespaced "clinic"."""

from django.urls import path

from . import views, views_search, views_staff

app_name = "clinic"

urlpatterns = [
    path(
        "consultations/assessment/<int:assessment_id>/",
        views.book_for_assessment,
        name="book_for_assessment",
    ),
    path("consultations/search/", views_search.search_slots, name="search"),
    path("consultations/book/", views.book, name="book"),
    path("appointments/", views.my_appointments, name="my_appointments"),
    path("appointments/<int:appointment_id>/", views.appointment, name="appointment"),
    path(
        "appointments/<int:appointment_id>/appointment.ics",
        views.appointment_ics_download,
        name="appointment_ics",
    ),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("appointments/<int:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("clinic/calendar/", views_staff.calendar_view, name="calendar"),
    path(
        "clinic/appointments/<int:appointment_id>/attendance/",
        views_staff.mark_attendance,
        name="attendance",
    ),
    path(
        "clinic/appointments/<int:appointment_id>/cancel/",
        views_staff.cancel_appointment,
        name="clinic_cancel",
    ),
    path("clinic/feed/", views_staff.feed_settings, name="feed_settings"),
    path("clinic/feed/<str:token>.ics", views_staff.feed, name="feed"),
]
