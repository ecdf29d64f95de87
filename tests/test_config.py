"""Settings come from PLATEN_* variables, read and checked in one place."""

import pytest

from platen.config import PlatenConfig


def test_preflight_limits_are_read_and_checked(tmp_path):
    config = PlatenConfig.from_env({"PLATEN_DATA_DIR": str(tmp_path), "PLATEN_PREFLIGHT_MEMORY_MB": "1024",
                                    "PLATEN_PREFLIGHT_SECONDS": "300"})
    assert (config.preflight_memory_mb, config.preflight_seconds) == (1024, 300)
    assert PlatenConfig.from_env({"PLATEN_DATA_DIR": str(tmp_path)}).preflight_memory_mb == 512
    with pytest.raises(ValueError, match="PLATEN_PREFLIGHT_SECONDS must be a whole number above 0, not '0'"):
        PlatenConfig.from_env({"PLATEN_DATA_DIR": str(tmp_path), "PLATEN_PREFLIGHT_SECONDS": "0"})
