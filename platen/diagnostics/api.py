"""The benchmark floor: the least a server can do with an order (store its raw body).

Mounted only when PLATEN_BENCH_FLOOR is on, so bench/intake.py can measure Platen against it in the
same server process.
"""

from django.db import transaction
from ninja import Router, Status

from platen.diagnostics.models import FloorSample

router = Router(tags=["diagnostics"])


@router.post("/_floor", auth=None, include_in_schema=False)
def floor(request):
    with transaction.atomic():
        sample = FloorSample.objects.create(raw_body=request.body.decode("utf-8", errors="replace"))
    return Status(201, {"id": sample.id})
