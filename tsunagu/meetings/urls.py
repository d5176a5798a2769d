from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("agenda/add/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
    path("<int:pk>/sittings/", views.sitting_create, name="sitting_create"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/pledge/", views.pledge, name="pledge"),
    path("sittings/<int:pk>/", views.sitting, name="sitting"),
    path("sittings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("sittings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("sittings/<int:pk>/items/", views.sitting_items, name="sitting_items"),
    path("sittings/<int:pk>/print/", views.minutes_print, name="minutes_print"),
]
