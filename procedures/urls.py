from django.urls import path

from procedures.views import batches, catalogue, editing, public, reviews

app_name = "procedures"

urlpatterns = [
    path("categories/<slug:slug>/", public.category, name="category"),
    path("materials/", catalogue.material_kinds, name="material_kinds"),
    path("materials/<int:pk>/", catalogue.material_kind, name="material_kind"),
    path("procedures/<slug:slug>/", public.detail, name="detail"),
    path("procedures/<slug:slug>/versions/", public.history, name="history"),
    path("procedures/<slug:slug>/versions/<int:number>/", public.version_detail, name="version"),
    path("procedures/<slug:slug>/diff/", public.compare, name="compare"),
    path("procedures/<slug:slug>/diff/<int:a>/<int:b>/", public.diff, name="diff"),
    path("edit/drafts/", reviews.drafts, name="drafts"),
    path("edit/procedures/<int:pk>/new-draft/", editing.new_draft, name="new_draft"),
    path("edit/drafts/<int:pk>/submit/", reviews.submit, name="submit"),
    path("edit/drafts/<int:pk>/publish/", reviews.publish, name="publish"),
    path("edit/drafts/<int:pk>/send-back/", reviews.send_back, name="send_back"),
    path("edit/drafts/<int:pk>/discard/", editing.discard, name="discard"),
    path("edit/drafts/<int:pk>/preview/", editing.preview, name="preview"),
    path("edit/materials/<int:pk>/batch/", batches.batch_new, name="batch_new"),
    path("edit/batches/", batches.batches, name="batches"),
    path("edit/batches/<int:pk>/", batches.batch, name="batch"),
    path("edit/batches/<int:pk>/publish/", batches.batch_publish, name="batch_publish"),
    path("edit/batches/<int:pk>/send-back/", batches.batch_send_back, name="batch_send_back"),
    path("edit/batches/<int:pk>/resubmit/", batches.batch_resubmit, name="batch_resubmit"),
]
