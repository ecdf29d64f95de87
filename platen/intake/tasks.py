"""Background jobs of the intake domain."""

from datetime import timedelta

from platen.jobs import periodic


@periodic("intake.mark-interrupted", every=timedelta(minutes=1))
def mark_interrupted() -> None:
    from platen.intake import services

    services.mark_interrupted()
