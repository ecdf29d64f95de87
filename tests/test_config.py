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


def test_e_mail_links_use_the_base_url_or_else_the_address_serve_listens_on(tmp_path):
    env = {"PLATEN_DATA_DIR": str(tmp_path), "PLATEN_LISTEN_URL": "http://127.0.0.1:8123"}
    assert PlatenConfig.from_env(env).base_url == "http://127.0.0.1:8123"
    assert PlatenConfig.from_env({**env, "PLATEN_BASE_URL": "https://orders.example.com/"}).base_url == "https://orders.example.com"
    assert PlatenConfig.from_env({"PLATEN_DATA_DIR": str(tmp_path)}).base_url == "http://127.0.0.1:8000"


def test_listen_url_names_this_machine_for_a_wildcard_address():
    import socket

    from platen.cli import listen_url

    assert listen_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert listen_url("::1", 8000) == "http://[::1]:8000"
    assert listen_url("0.0.0.0", 9000) == f"http://{socket.gethostname()}:9000"
