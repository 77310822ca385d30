"""Counter pages for the centre's resources (mounted at /counter/resources/, staff only)."""

from django.urls import path
from django.views.generic import RedirectView

from resources import views

app_name = "resources"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="resources:machines"), name="index"),
    # Office machines (事務機器)
    path("machines/", views.MachineBoardView.as_view(), name="machines"),
    path("machines/uses/", views.MachineUseListView.as_view(), name="machine_uses"),
    path("machines/uses/new/", views.MachineUseCreateView.as_view(), name="machine_use_create"),
    path(
        "machines/uses/<int:pk>/finish/",
        views.MachineUseFinishView.as_view(),
        name="machine_use_finish",
    ),
    path("machines/queue/new/", views.MachineQueueJoinView.as_view(), name="machine_queue_join"),
    path(
        "machines/queue/<int:pk>/start/",
        views.MachineQueueStartView.as_view(),
        name="machine_queue_start",
    ),
    path(
        "machines/queue/<int:pk>/cancel/",
        views.MachineQueueCancelView.as_view(),
        name="machine_queue_cancel",
    ),
    path("machines/<int:pk>/status/", views.MachineStatusView.as_view(), name="machine_status"),
    path(
        "machines/statistics/",
        views.MachineStatisticsView.as_view(),
        name="machine_statistics",
    ),
    path(
        "machines/statistics.csv",
        views.MachineStatisticsExportView.as_view(),
        name="machine_statistics_csv",
    ),
    path(
        "machines/statistics.xlsx",
        views.MachineStatisticsExportView.as_view(file_format="xlsx"),
        name="machine_statistics_xlsx",
    ),
    # Mailbox-lockers (メールボックス兼ロッカー)
    path("mailboxes/", views.MailboxBoardView.as_view(), name="mailboxes"),
    path("mailboxes/apply/", views.MailboxApplyView.as_view(), name="mailbox_apply"),
    path(
        "mailboxes/assignments/<int:pk>/release/",
        views.MailboxReleaseView.as_view(),
        name="mailbox_release",
    ),
    path(
        "mailboxes/assignments/<int:pk>/extend/",
        views.MailboxExtendView.as_view(),
        name="mailbox_extend",
    ),
    path(
        "mailboxes/waitlist/<int:pk>/<str:action>/",
        views.WaitlistActionView.as_view(),
        name="waitlist_action",
    ),
    # Poster board and pamphlet stand (ポスター掲示・パンフレットスタンド)
    path("displays/", views.DisplayBoardView.as_view(), name="displays"),
    path("displays/new/", views.DisplayCreateView.as_view(), name="display_create"),
    path(
        "displays/<int:pk>/take-down/",
        views.DisplayTakeDownView.as_view(),
        name="display_take_down",
    ),
]
