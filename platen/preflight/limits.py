"""Hard limits for reading merchant files. A file that exceeds one fails its check with the reason; it
never takes the worker down (the parsing runs in a child process, see sandbox.py)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * MIB  # as fetching.PRINT_FILE_MAX_BYTES
    max_pages: int = 2_000  # the longest product (a 200-page book) with a wide margin
    max_objects: int = 2_000_000
    max_operators: int = 20_000_000  # operators interpreted (state, text, images) in all streams; the rest are only
    # tokenised by qpdf, which the CPU limit bounds
    max_depth: int = 24  # Form XObjects, patterns and glyph procedures nested in each other
    max_placements: int = 1_000_000  # images drawn, counting each repetition of a form
    max_image_pixels: int = 300_000_000  # rasters: 1.5 x 1 m wall art at 300 ppi is ~210 MP
    memory_bytes: int = 512 * MIB  # address space the child may add to what it starts with
    cpu_seconds: int = 60
    wall_seconds: float = 120.0


LIMITS = Limits()


def configured(memory_mb: int, seconds: int) -> Limits:
    """The limits with an operator's memory and time settings (PLATEN_PREFLIGHT_MEMORY_MB and _SECONDS):
    a hostile file that burns processor time is stopped at half the wall clock."""
    return Limits(memory_bytes=memory_mb * MIB, wall_seconds=float(seconds), cpu_seconds=max(1, seconds // 2))


class Unreadable(Exception):
    """The file cannot be checked; `reason` is a sentence for the merchant."""

    def __init__(self, reason: str, *, cacheable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.cacheable = cacheable  # False when another try could end differently (a deadline on a busy machine)


class LimitExceeded(Unreadable):
    """Past a limit: another try with other limits (an operator's settings) or on a quieter machine could end
    otherwise, so the verdict is not cached."""

    def __init__(self, reason: str, *, cacheable: bool = False):
        super().__init__(reason, cacheable=cacheable)
