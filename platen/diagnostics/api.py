"""The benchmark floor: the least a server can do with an order (store its raw body).

Answers only when PLATEN_BENCH_FLOOR is on, so bench/intake.py can measure Platen against it in the
same server process; otherwise it is a plain 404.
"""

from django.conf import settings
from django.db import transaction
from ninja import Router, Status

from platen.diagnostics.models import FloorSample
from platen.kit.errors import NotFound

router = Router(tags=["diagnostics"])


@router.post("/_floor", auth=None, response={201: dict}, include_in_schema=False)
def floor(request):
    if not settings.PLATEN.bench_floor:
        raise NotFound()
    with transaction.atomic():
        sample = FloorSample.objects.create(raw_body=request.body.decode("utf-8", errors="replace"))
    return Status(201, {"id": sample.id})
