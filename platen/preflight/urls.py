from django.urls import path

from platen.preflight import downloads

urlpatterns = [
    path("files/<str:name>", downloads.stored_file, name="stored_file"),
    path("previews/<str:name>", downloads.stored_preview, name="stored_preview"),
]
