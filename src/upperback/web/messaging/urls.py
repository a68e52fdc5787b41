from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.my_threads, name="mine"),
    path("messages/new/", views.new_thread, name="new"),
    path("messages/settings/", views.preferences, name="preferences"),
    path("messages/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("messages/<int:thread_id>/", views.thread_view, name="thread"),
    path("messages/<int:thread_id>/assign/", views.assign, name="assign"),
    path("messages/photos/<int:message_id>/", views.photo, name="photo"),
    path("clinic/messages/", views.inbox, name="inbox"),
    path("clinic/messages/waiting/", views.waiting, name="waiting"),
]
