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


class Unreadable(Exception):
    """The file cannot be checked; `reason` is a sentence for the merchant."""

    def __init__(self, reason: str, *, cacheable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.cacheable = cacheable  # False when another try could end differently (a deadline on a busy machine)


class LimitExceeded(Unreadable):
    pass
