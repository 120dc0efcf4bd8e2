from django.urls import path

from content.site import offline, views

app_name = "content"

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("search/", views.search_page, name="search"),
    path("glossary/", views.glossary_page, name="glossary"),
    path("offline/", offline.offline_page, name="offline"),
    path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
    path("procedures/<slug:slug>/", views.procedure_page, name="procedure"),
    path("procedures/<slug:slug>/preview/", views.procedure_preview, name="procedure_preview"),
    # A handout in the page's language, or in every language (bilingual); ?paper=letter for Letter.
    path("procedures/<slug:slug>/handout/", views.handout_page, name="handout"),
    path("procedures/<slug:slug>/handout.pdf", views.handout_pdf, name="handout_pdf"),
    path("procedures/<slug:slug>/handout/bilingual/", views.handout_page, {"bilingual": True},
         name="handout_bilingual"),
    path("procedures/<slug:slug>/handout/bilingual.pdf", views.handout_pdf, {"bilingual": True},
         name="handout_bilingual_pdf"),
]
