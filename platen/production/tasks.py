"""Background jobs of the production domain.

# ---- MINIMAL VERSION from the network helper (h-network) ------------------------------------------------
# The routing helper writes the real production.reroute-held job and enqueue_reroute_held() at the same
# time; integrator: keep the routing helper's version of this file and drop this block.
"""

from __future__ import annotations

from platen.jobs import enqueue, job


@job(queue="default", max_attempts=5)
def reroute_held() -> None:
    """production.reroute-held: route again the orders held because no facility could take them."""
    import importlib

    try:
        routing = importlib.import_module("platen.production.services.routing")
    except ModuleNotFoundError:
        return  # routing is not built on this branch
    routing.reroute_held()


def enqueue_reroute_held() -> None:
    """Call inside the transaction that changed stock, capacity or facilities."""
    enqueue(reroute_held)
