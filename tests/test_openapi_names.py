"""The OpenAPI document names each wire model by its class name only: two models with one name share one entry,
and the document then describes one endpoint with the other's shape (the v3 product search once showed the order
search's; generated clients follow the document)."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from pydantic import BaseModel

import platen


def test_wire_model_names_are_unique_across_the_api():
    owners = defaultdict(set)
    for module_info in pkgutil.walk_packages(platen.__path__, "platen."):
        if not module_info.name.rsplit(".", 1)[-1].startswith(("schemas", "api")):
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == module.__name__:
                owners[name].add(module.__name__)
    assert {name: sorted(modules) for name, modules in owners.items() if len(modules) > 1} == {}
