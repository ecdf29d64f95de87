from django.db import models


class FloorSample(models.Model):
    """The benchmark floor's one table: a raw body and nothing else."""

    raw_body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
