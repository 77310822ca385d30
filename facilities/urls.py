"""Public facilities pages (mounted at /facilities/)."""

from django.urls import path, re_path

from facilities import lottery_mypage, lottery_views, mypage, views

app_name = "facilities"

urlpatterns = [
    path("availability/", views.availability_month, name="availability_month"),
    # \d also matches full-width digits, which the view normalises.
    re_path(
        r"^availability/(?P<day>\d{4}-\d{1,2}-\d{1,2})/$",
        views.availability_day,
        name="availability_day",
    ),
    # 抽選 (public)
    path("lottery/", lottery_views.lottery_list, name="lottery_list"),
    path("lottery/<int:pk>/", lottery_views.lottery_detail, name="lottery_detail"),
    path(
        "lottery/<int:pk>/result.json",
        lottery_views.lottery_result_json,
        name="lottery_result_json",
    ),
    path("lottery/drawing.py", lottery_views.lottery_algorithm, name="lottery_algorithm"),
    # A registered group's own pages (signed in as its group account).
    path("requests/new/", mypage.OnlineRequestView.as_view(), name="request_new"),
    path("requests/<int:pk>/", mypage.RequestDoneView.as_view(), name="request_done"),
    path(
        "requests/<int:pk>/cancel/", mypage.GroupBookingCancelView.as_view(), name="request_cancel"
    ),
    path("waiting/new/", mypage.WaitingEntryCreateView.as_view(), name="waiting_new"),
    path(
        "waiting/<int:pk>/withdraw/",
        mypage.WaitingEntryWithdrawView.as_view(),
        name="waiting_withdraw",
    ),
    path("calendar/<uuid:token>.ics", mypage.group_calendar, name="group_calendar"),
    # 抽選 (a group's own)
    path("lottery/apply/", lottery_mypage.LotteryApplyView.as_view(), name="lottery_apply"),
    path(
        "lottery/applications/<int:pk>/",
        lottery_mypage.LotteryApplicationView.as_view(),
        name="lottery_application",
    ),
    path(
        "lottery/applications/<int:pk>/edit/",
        lottery_mypage.LotteryApplicationEditView.as_view(),
        name="lottery_application_edit",
    ),
    path(
        "lottery/applications/<int:pk>/withdraw/",
        lottery_mypage.LotteryApplicationWithdrawView.as_view(),
        name="lottery_application_withdraw",
    ),
    path(
        "lottery/wins/<int:pk>/confirm/",
        lottery_mypage.LotteryWinConfirmView.as_view(),
        name="lottery_confirm",
    ),
]
