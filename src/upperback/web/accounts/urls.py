from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_second_factor

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup_sent"),
    path("accounts/signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("accounts/language/", views.switch_language, name="switch_language"),
    path("accounts/phone/", views.phone, name="phone"),
    path("accounts/login/", views.LoginInPreferredLanguage.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views_second_factor.two_factor, name="two_factor"),
    path(
        "accounts/two-factor/enrol/<str:uidb64>/<str:token>/",
        views_second_factor.enrol_link,
        name="two_factor_enrol_link",
    ),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.ResetClearsLocks.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
