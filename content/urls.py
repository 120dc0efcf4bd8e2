from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("procedures/<slug:slug>/", views.procedure_page, name="procedure"),
    path("procedures/<slug:slug>/preview/", views.procedure_preview, name="procedure_preview"),
]
