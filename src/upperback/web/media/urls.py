from django.urls import path

from . import views

app_name = "media"

urlpatterns = [
    path("camera/upload/", views.upload, name="upload"),
    path("camera/", views.mine, name="mine"),
    path("camera/live/<slug:exercise_id>/", views.live_coach, name="live"),
    path("camera/live-faces/", views.live_faces, name="live_faces"),
    path("camera/patient/<int:patient_id>/", views.patient_uploads, name="patient"),
    path("camera/<int:upload_id>/", views.detail, name="detail"),
    path("camera/<int:upload_id>/points/", views.place_points, name="points"),
    path("camera/<int:upload_id>/file/<str:name>/", views.serve_file, name="file"),
]
