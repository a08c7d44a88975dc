from django.urls import path

from . import roster_views, views, views_notifications

app_name = "people"

urlpatterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/2fa/", views.otp_setup, name="otp_setup"),
    path("accounts/2fa/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/home/", views.home, name="home"),
    path("people/roster/", roster_views.roster_upload, name="roster_upload"),
    path(
        "people/roster/template.xlsx",
        roster_views.roster_template,
        name="roster_template",
    ),
    path("people/roster/<int:pk>/", roster_views.roster_detail, name="roster_detail"),
    path(
        "notifications/",
        views_notifications.notification_list,
        name="notification_list",
    ),
    path(
        "notifications/read/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/clear/",
        views_notifications.notifications_clear_all,
        name="notifications_clear_all",
    ),
    path(
        "notifications/<int:pk>/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:pk>/clear/",
        views_notifications.notification_clear,
        name="notification_clear",
    ),
]
