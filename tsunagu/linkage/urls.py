from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("review/", views.review, name="review"),
    path("run/", views.run_progress, name="run"),
    path("review/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<int:cluster>/", views.cluster_detail, name="cluster"),
    path("clusters/<int:cluster>/unmerge/", views.cluster_unmerge, name="cluster_unmerge"),
    path("clusters/<int:cluster>/rejoin/", views.cluster_rejoin, name="cluster_rejoin"),
]
