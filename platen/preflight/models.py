from django.db import models


class FileFacts(models.Model):
    """What inspecting one stored file found, by content hash: a file used by many items (or sent again
    tomorrow) is read once. Checks against a product are cheap and run from these facts each time."""

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10)  # the format sniffed from the bytes
    inspector_version = models.PositiveSmallIntegerField()
    facts = models.JSONField()  # inspection.inspect's result, or {"unreadable": reason}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "file facts"

    def __str__(self) -> str:
        return f"{self.sha256[:12]}.{self.kind}"
